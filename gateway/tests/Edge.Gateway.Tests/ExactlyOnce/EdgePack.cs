using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Edge.Gateway.Tests.ExactlyOnce;

/// <summary>Packs as the Edge SDKs write them (first record with "bid" and "seq", docs/protocol.md), and the wire bits around them.</summary>
internal static class EdgePack
{
    /// <summary>A SenML-CBOR pack of one reading: <c>[{"bid": bid, "seq": seq, n: "v", v: value}]</c>.</summary>
    public static byte[] Of(uint bid, uint seq, int value = 1)
    {
        var bytes = new List<byte> { 0x81, 0xA4, 0x63, (byte)'b', (byte)'i', (byte)'d', 0x1A };
        bytes.AddRange(BigEndian(bid));
        bytes.AddRange([0x63, (byte)'s', (byte)'e', (byte)'q', 0x1A]);
        bytes.AddRange(BigEndian(seq));
        bytes.AddRange([0x00, 0x61, (byte)'v', 0x02, 0x1A]);
        bytes.AddRange(BigEndian((uint)value));
        return [.. bytes];
    }

    public static byte[] Topic(string device) => Encoding.UTF8.GetBytes($"edge/v1/{device}/telemetry");

    /// <summary>A CONNECT with clean session/clean start off (MQTT 5: session expiry 1 h), so that a session resumes.</summary>
    public static byte[] ConnectKeepingSession(string clientId, int level = 5)
    {
        var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', (byte)level, 0x00, 0, 60 };
        if (level == 5)
        {
            body.AddRange([5, 0x11, 0, 0, 0x0E, 0x10]); // Session Expiry Interval 3600 s
        }

        var id = Encoding.UTF8.GetBytes(clientId);
        body.AddRange([(byte)(id.Length >> 8), (byte)id.Length, .. id]);
        return Ingest.RawMqttClient.Packet(0x10, [.. body]);
    }

    /// <summary>(mqtt.client_id, edge.bid, edge.seq) of a Kafka record; null parts when the headers are absent.</summary>
    public static (string Device, string? Bid, string? Seq) IdentityOf(ConsumeResult<string, byte[]> record)
    {
        var headers = record.Message.Headers;
        return (record.Header("mqtt.client_id"),
            headers.TryGetLastBytes("edge.bid", out var bid) ? Encoding.UTF8.GetString(bid) : null,
            headers.TryGetLastBytes("edge.seq", out var seq) ? Encoding.UTF8.GetString(seq) : null);
    }

    /// <summary>The gateway's <c>edge_duplicates_dropped_total</c> from /metrics.</summary>
    public static async Task<double> DuplicatesDroppedAsync(GatewayProcess gateway)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        string metrics = "";
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                metrics = await http.GetStringAsync("/metrics");
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "/metrics to answer");
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("edge_duplicates_dropped_total ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
