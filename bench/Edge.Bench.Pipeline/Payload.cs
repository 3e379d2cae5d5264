using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;

namespace Edge.Bench.Pipeline;

/// <summary>
/// Benchmark payloads: ASCII "{intended send time, Stopwatch ticks:D19}:{sequence:D12}" padded with 'x' to the
/// payload size. Text, without spaces or newlines, so the line-based naive bridge (mosquitto_sub -v | kcat -K ' ')
/// carries it unchanged; every sink decodes the send time and sequence from it.
/// </summary>
internal static class Payload
{
    public const int MinimumBytes = 32;

    public static byte[] Create(int size, long intendedTicks, long sequence)
    {
        var bytes = new byte[size];
        Utf8Formatter.TryFormat(intendedTicks, bytes.AsSpan(0, 19), out _, new StandardFormat('D', 19));
        bytes[19] = (byte)':';
        Utf8Formatter.TryFormat(sequence, bytes.AsSpan(20, 12), out _, new StandardFormat('D', 12));
        bytes.AsSpan(32).Fill((byte)'x');
        return bytes;
    }

    /// <summary>Reads the send time and sequence back; false for anything that is not a benchmark payload.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out long intendedTicks, out long sequence)
    {
        sequence = 0;
        return payload.Length >= MinimumBytes
            & Utf8Parser.TryParse(payload[..19], out intendedTicks, out _)
            & Utf8Parser.TryParse(payload.Slice(20, 12), out sequence, out _);
    }

    public static double MillisecondsSince(long ticks) => (Stopwatch.GetTimestamp() - ticks) * 1000.0 / Stopwatch.Frequency;
}
