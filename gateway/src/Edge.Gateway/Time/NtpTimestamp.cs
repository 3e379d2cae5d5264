using System.Buffers.Binary;

namespace Edge.Gateway.Time;

/// <summary>
/// NTP's 64-bit timestamp (RFC 4330 section 3): seconds since 1900-01-01 UTC in the high 32 bits, the fraction in the
/// low 32. Era 0 only; RFC 4330's rule for the 2036 wrap (a high bit of 0 means era 1) is applied on reading.
/// </summary>
internal static class NtpTimestamp
{
    private static readonly DateTime Era0 = new(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Era1 = Era0.AddSeconds(4294967296d);

    /// <summary>Writes <paramref name="time"/> at <paramref name="destination"/> (8 bytes, big-endian).</summary>
    public static void Write(Span<byte> destination, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var sinceEpoch = utc >= Era1 ? utc - Era1 : utc - Era0;
        var seconds = (ulong)sinceEpoch.Ticks / TimeSpan.TicksPerSecond;
        var fraction = ((ulong)sinceEpoch.Ticks % TimeSpan.TicksPerSecond << 32) / TimeSpan.TicksPerSecond;
        BinaryPrimitives.WriteUInt64BigEndian(destination, (seconds << 32) | fraction);
    }

    /// <summary>Reads a timestamp written by <see cref="Write"/> (or by any NTP peer).</summary>
    public static DateTimeOffset Read(ReadOnlySpan<byte> source)
    {
        var value = BinaryPrimitives.ReadUInt64BigEndian(source);
        var seconds = value >> 32;
        var fraction = value & 0xFFFF_FFFF;
        var epoch = (seconds & 0x8000_0000) == 0 ? Era1 : Era0;
        return new DateTimeOffset(epoch.AddTicks((long)seconds * TimeSpan.TicksPerSecond + (long)((fraction * TimeSpan.TicksPerSecond) >> 32)));
    }
}
