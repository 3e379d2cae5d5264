namespace Edge.Bench.Pipeline;

/// <summary>A system under test, freshly started: an MQTT port to load, the sink at its end, the processes to meter.</summary>
internal interface ITarget : IDisposable
{
    string Name { get; }

    int MqttPort { get; }

    /// <summary>Where delivery is counted: "subscriber" (Mosquitto) or "Kafka".</summary>
    string SinkName { get; }

    DeliveryCounter Delivered { get; }

    /// <summary>The broker/gateway (for the bridge: mosquitto + mosquitto_sub + kcat), not Kafka, not the load generator.</summary>
    IReadOnlyList<int> MeteredProcessIds();

    /// <summary>Child processes' output when something went wrong.</summary>
    string Diagnostics { get; }
}
