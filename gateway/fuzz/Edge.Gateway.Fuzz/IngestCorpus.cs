using System.Text;

namespace Edge.Gateway.Fuzz;

/// <summary>
/// Seed inputs for <see cref="IngestHarness"/>: the first byte picks the protocol (odd = MQTT 5), the rest is what the
/// client sends after its CONNECT. Valid traffic of every packet type a device sends, plus the violations of issue 14.
/// </summary>
public static class IngestCorpus
{
    /// <summary>Every seed: <see cref="Valid"/>, then <see cref="Violations"/>.</summary>
    public static IReadOnlyList<byte[]> Seeds { get; } = [.. BuildValid(), .. BuildViolations()];

    /// <summary>
    /// Well-formed traffic only (publishes at each QoS, retained, QoS 2 flow, subscribe/unsubscribe, MQTT 5 properties
    /// and a topic alias within the maximum): what the frame guard lets through unchanged. Starting from these alone, a
    /// finding is the fuzzer's, not a seed's.
    /// </summary>
    public static IReadOnlyList<byte[]> Valid { get; } = BuildValid();

    /// <summary>The protocol violations and cap overruns of issue 14, one per seed: nothing of them may be stored.</summary>
    public static IReadOnlyList<byte[]> Violations { get; } = BuildViolations();

    /// <summary>Writes the seeds as files (one per seed) for AFL or libFuzzer.</summary>
    public static void WriteTo(string directory, IReadOnlyList<byte[]>? seeds = null)
    {
        seeds ??= Seeds;
        Directory.CreateDirectory(directory);
        for (var i = 0; i < seeds.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(directory, $"seed-{i:00}"), seeds[i]);
        }
    }

    private static byte[] Topic => Encoding.UTF8.GetBytes("edge/v1/fuzz/telemetry");

    private static List<byte[]> BuildValid()
    {
        var topic = Topic;
        byte[] subscribe = [0x82, 0x0A, 0x00, 0x05, 0x00, 0x05, (byte)'a', (byte)'/', (byte)'#', 0x01, 0xC0, 0x00];
        return
        [
            [0x00, .. MqttBytes.Publish(0x02, topic, 1, "hi"u8)],
            [0x00, .. MqttBytes.Publish(0x00, topic, null, "qos0"u8), .. MqttBytes.Publish(0x01, topic, null, "retained"u8)],
            [0x00, .. MqttBytes.Publish(0x04, topic, 2, "qos2"u8), 0x62, 0x02, 0x00, 0x02],
            [0x00, 0xC0, 0x00, .. subscribe[..^2], 0xA2, 0x05, 0x00, 0x06, 0x00, 0x01, (byte)'a', 0xE0, 0x00],
            [0x01, .. MqttBytes.Publish(0x02, topic, 1, "v5"u8, [])],
            [0x01, .. MqttBytes.Publish(0x02, topic, 1, "alias"u8, [0x23, 0x00, 0x01]), .. MqttBytes.Publish(0x02, [], 2, "by alias"u8, [0x23, 0x00, 0x01])],
            [0x01, .. MqttBytes.Publish(0x00, topic, null, "props"u8, [0x01, 0x01, 0x02, 0, 0, 0, 60, 0x26, 0, 1, (byte)'k', 0, 1, (byte)'v', 0x03, 0, 1, (byte)'c'])],
            [0x01, .. subscribe, 0xE0, 0x02, 0x00, 0x00],
        ];
    }

    private static List<byte[]> BuildViolations()
    {
        var topic = Topic;
        return
        [
            [0x00, .. MqttBytes.Publish(0x06, topic, 1, "qos3"u8)],
            [0x00, .. MqttBytes.Publish(0x02, topic, 0, "id0"u8)],
            [0x00, .. MqttBytes.Publish(0x02, "edge/\0x"u8, 1, "nul"u8)],
            [0x00, .. MqttBytes.Publish(0x02, [.. topic, 0xC3, 0x28], 1, "utf8"u8)],
            [0x01, .. MqttBytes.Publish(0x02, topic, 1, "big alias"u8, [0x23, 0x00, 0x09])],
            [0x01, .. MqttBytes.Publish(0x02, topic, 1, new byte[5000], [])],
            [0x01, 0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00],
        ];
    }
}
