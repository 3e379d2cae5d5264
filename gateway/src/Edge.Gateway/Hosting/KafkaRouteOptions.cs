namespace Edge.Gateway.Hosting;

/// <summary>One entry of <c>Kafka:Routes</c>: where messages matching an MQTT topic filter go.</summary>
internal sealed class KafkaRouteOptions
{
    /// <summary>MQTT topic filter with <c>+</c> and <c>#</c> wildcards, e.g. <c>edge/v1/+/telemetry</c>.</summary>
    public string MqttFilter { get; set; } = "";

    /// <summary>Kafka topic for matching messages. Default: <c>Kafka:Topic</c>.</summary>
    public string? Topic { get; set; }

    /// <summary>
    /// Kafka record key template: <c>{clientid}</c>, <c>{topic}</c> and topic levels <c>{0}</c>, <c>{1}</c>, …
    /// Default <c>{clientid}</c>. Records with the same key keep their order in Kafka.
    /// </summary>
    public string? Key { get; set; }
}
