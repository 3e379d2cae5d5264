using System.Globalization;
using System.Text.Json;
using Edge.Gateway.Hosting;
using Edge.Gateway.Ingest;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Microsoft.Extensions.Logging;
using MQTTnet.Server;

namespace Edge.Gateway.Presence;

/// <summary>
/// A record on <c>Kafka:PresenceTopic</c> (key = device id) whenever a device connects or its connection ends: clean
/// DISCONNECT (<c>disconnected</c>), or lost — keep-alive timeout, network error, will sent (<c>connection_lost</c>). A
/// takeover by the same id is not an offline moment and writes nothing. Appended to the gateway's log like a QoS 0 message
/// (durable with the next group commit, in the order the broker reported them), so it reaches Kafka through the egress.
/// </summary>
/// <remarks>
/// The promise across a power cut (docs/kafka-records.md, tested by CommandPresencePowerLossTests): MQTTnet sends the
/// CONNACK, then awaits the connected handlers, and only then reads the device's packets; the append here is
/// synchronous, so a <c>connected</c> record precedes in the log everything the device sends on that connection and is
/// durable no later than the first message the gateway PUBACKs on it. It is not made durable before the CONNACK (that
/// would take the ingest's connection validation); a cut before the device's first acknowledged message may lose it.
/// </remarks>
internal sealed partial class PresencePublisher : IBrokerExtension
{
    private readonly IDurableLog _log;
    private readonly string _gatewayId;
    private readonly TimeProvider _time;
    private readonly ILogger<PresencePublisher> _logger;
    private long _dropped;

    public PresencePublisher(GatewaySettings settings, IDurableLog log, TimeProvider time, ILogger<PresencePublisher> logger)
    {
        _log = log;
        _gatewayId = settings.Gateway.Id;
        _time = time;
        _logger = logger;
    }

    /// <summary>Presence records the log refused (full or failed).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Attach(MqttServer server)
    {
        server.ClientConnectedAsync += e =>
        {
            Write(e.ClientId, online: true, "connected");
            return Task.CompletedTask;
        };
        server.ClientDisconnectedAsync += e =>
        {
            if (e.DisconnectType != MqttClientDisconnectType.Takeover)
            {
                Write(e.ClientId, online: false, e.DisconnectType == MqttClientDisconnectType.Clean ? "disconnected" : "connection_lost");
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>The JSON value of a presence record.</summary>
    internal static byte[] Encode(string device, string gateway, bool online, string reason, DateTimeOffset time)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(160);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("device", device);
            w.WriteString("gateway", gateway);
            w.WriteBoolean("online", online);
            w.WriteString("reason", reason);
            w.WriteString("time", time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteNumber("time_ms", time.ToUnixTimeMilliseconds());
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void Write(string device, bool online, string reason)
    {
        try
        {
            var value = Encode(device, _gatewayId, online, reason, _time.GetUtcNow());
            if (_log.Append(IngestRecord.Encode(device, GatewayTopics.Presence, 0, false, value)).Status != AppendStatus.Appended)
            {
                Interlocked.Increment(ref _dropped);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or ArgumentException)
        {
            Interlocked.Increment(ref _dropped);
            LogFailed(device, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Presence record for '{Device}' not written: {Problem}")]
    private partial void LogFailed(string device, string problem);
}
