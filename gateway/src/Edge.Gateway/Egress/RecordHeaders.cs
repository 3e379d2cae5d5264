namespace Edge.Gateway.Egress;

/// <summary>Kafka header names on every record (docs/kafka-records.md). Values are UTF-8 text.</summary>
internal static class RecordHeaders
{
    public const string MqttTopic = "mqtt.topic";
    public const string MqttQos = "mqtt.qos";
    public const string MqttClientId = "mqtt.client_id";
    public const string Gateway = "edge.gateway";
    public const string ReceivedMs = "edge.received_ms";
    public const string Offset = "edge.offset";

    /// <summary>The log's incarnation id (32 hex digits, new with every new data directory): (edge.log, edge.offset) never repeats.</summary>
    public const string Log = "edge.log";
}
