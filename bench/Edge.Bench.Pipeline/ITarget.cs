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

    /// <summary>The system's own histogram of the log's part of a PUBACK's wait (the gateway), or null (the others have none).</summary>
    Task<AppendHistogram?> ScrapeAppendHistogramAsync() => Task.FromResult<AppendHistogram?>(null);

    /// <summary>Child processes' output when something went wrong.</summary>
    string Diagnostics { get; }
}
