using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Edge.Gateway.Records;

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

    /// <summary>The Edge SDK pack's boot id ("bid", decimal uint32); only on records of packs that carry one.</summary>
    public const string BootId = "edge.bid";

    /// <summary>The Edge SDK pack's per-boot sequence number ("seq", decimal uint32); only with <see cref="BootId"/>.</summary>
    public const string Sequence = "edge.seq";

    /// <summary>
    /// Adds <see cref="BootId"/> and <see cref="Sequence"/> when the record came from an Edge SDK pack, so a consumer can
    /// check (mqtt.client_id, edge.bid, edge.seq) without decoding the CBOR. Records without a pack identity get neither.
    /// </summary>
    public static void AddIdentity(Headers headers, in IngestRecord ingest)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!ingest.Identity.HasPack)
        {
            return;
        }

        headers.Add(BootId, Encoding.UTF8.GetBytes(ingest.Identity.BootId.ToString(CultureInfo.InvariantCulture)));
        headers.Add(Sequence, Encoding.UTF8.GetBytes(ingest.Identity.Sequence.ToString(CultureInfo.InvariantCulture)));
    }
}
