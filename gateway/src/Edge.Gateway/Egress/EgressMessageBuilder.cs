using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Egress;

/// <summary>
/// Turns a durable log record into the Kafka message the egress produces: the topic and key from the
/// <see cref="RouteTable"/>, the payload, the record's time, and the headers that identify it end to end
/// (docs/kafka-records.md: mqtt.*, edge.gateway, edge.log, edge.offset, and edge.bid/edge.seq of an Edge SDK pack).
/// A record that is not an ingest record is counted and logged, and the egress skips it. Thread-safe (no mutable state).
/// </summary>
internal sealed partial class EgressMessageBuilder
{
    private readonly RouteTable _routes;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly byte[] _gatewayId;
    private readonly byte[] _logId;

    /// <param name="routes">Where each MQTT topic goes.</param>
    /// <param name="gatewayId"><c>Gateway:Id</c> (the edge.gateway header).</param>
    /// <param name="logId">The log's id (the edge.log header).</param>
    /// <param name="metrics">Counts undecodable records.</param>
    /// <param name="logger">The egress's logger.</param>
    public EgressMessageBuilder(RouteTable routes, string gatewayId, string logId, GatewayMetrics metrics, ILogger logger)
    {
        _routes = routes;
        _metrics = metrics;
        _logger = logger;
        _gatewayId = Encoding.UTF8.GetBytes(gatewayId);
        _logId = Encoding.UTF8.GetBytes(logId);
    }

    /// <summary>
    /// The message for <paramref name="record"/>; false (counted, logged) when the record is not an ingest record.
    /// <paramref name="clientId"/> is the device the message counts for, empty for the gateway's own records (results, presence).
    /// </summary>
    public bool TryBuild(LogRecord record, out string topic, out Message<byte[]?, byte[]> message, out string clientId)
    {
        clientId = "";
        IngestRecord ingest;
        try
        {
            ingest = IngestRecord.Decode(record.Payload);
        }
        catch (FormatException e)
        {
            _metrics.RecordUndecodable();
            LogUndecodable(record.Offset, e.Message);
            topic = "";
            message = null!;
            return false;
        }

        clientId = Records.GatewayTopics.IsReserved(ingest.Topic) ? "" : ingest.ClientId; // a result or presence record is not the device's message
        (topic, var key) = _routes.Resolve(ingest.ClientId, ingest.Topic);
        message = new Message<byte[]?, byte[]>
        {
            Key = Encoding.UTF8.GetBytes(key),
            Value = ingest.Payload.ToArray(),
            Timestamp = new Timestamp(record.TimestampMs, TimestampType.CreateTime),
            Headers =
            [
                new Header(RecordHeaders.MqttTopic, Encoding.UTF8.GetBytes(ingest.Topic)),
                new Header(RecordHeaders.MqttQos, [(byte)('0' + ingest.QoS)]),
                new Header(RecordHeaders.MqttClientId, Encoding.UTF8.GetBytes(ingest.ClientId)),
                new Header(RecordHeaders.Gateway, _gatewayId),
                new Header(RecordHeaders.ReceivedMs, Encoding.UTF8.GetBytes(record.TimestampMs.ToString(CultureInfo.InvariantCulture))),
                new Header(RecordHeaders.Offset, Encoding.UTF8.GetBytes(record.Offset.ToString(CultureInfo.InvariantCulture))),
                new Header(RecordHeaders.Log, _logId),
            ],
        };
        RecordHeaders.AddIdentity(message.Headers, ingest); // edge.bid, edge.seq from an Edge SDK pack (issue 16)
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Log record {Offset} is not an ingest record and is skipped: {Problem}")]
    private partial void LogUndecodable(long offset, string problem);
}
