using System.Buffers.Binary;

namespace Edge.Gateway.Time;

/// <summary>
/// RFC 4330 server mode: checks a request and builds the 48-byte reply. Pure (no socket, no clock), so every rule is
/// testable alone.
/// </summary>
internal static class SntpReply
{
    /// <summary>Size of an NTP header without extensions or MAC.</summary>
    public const int PacketBytes = 48;

    /// <summary>A gateway clock before this year was never set (a Pi without RTC boots in 1970 or at its last shutdown).</summary>
    public const int FirstKnownYear = 2020;

    private const int ModeClient = 3;
    private const int ModeServer = 4;
    private const int LeapAlarm = 3;

    /// <summary>
    /// Why <paramref name="request"/> gets no answer, or null when it is a client request to answer: shorter than
    /// 48 bytes, not mode 3 (client), or a version outside 1-4 (RFC 4330 section 5: a server answers mode 3 only).
    /// </summary>
    public static string? Refusal(ReadOnlySpan<byte> request)
    {
        if (request.Length < PacketBytes)
        {
            return "short";
        }

        var version = (request[0] >> 3) & 7;
        if ((request[0] & 7) != ModeClient)
        {
            return "not_client_mode";
        }

        return version is < 1 or > 4 ? "bad_version" : null;
    }

    /// <summary>
    /// Writes the reply to <paramref name="request"/> into <paramref name="reply"/> (48 bytes): version copied, mode 4,
    /// the client's transmit timestamp as originate [RFC 4330 section 5], receive and transmit times from the gateway's
    /// clock. A clock before <see cref="FirstKnownYear"/> is answered as unsynchronised (leap indicator 3, stratum 0,
    /// kiss code "INIT"), which RFC 4330 clients discard, so a gateway that lost its time never hands out 1970.
    /// </summary>
    public static void Write(ReadOnlySpan<byte> request, Span<byte> reply, DateTimeOffset received, DateTimeOffset transmitted, int stratum)
    {
        reply[..PacketBytes].Clear();
        var version = (request[0] >> 3) & 7;
        var known = received.UtcDateTime.Year >= FirstKnownYear;
        reply[0] = (byte)(((known ? 0 : LeapAlarm) << 6) | (version << 3) | ModeServer);
        reply[1] = (byte)(known ? stratum : 0);
        reply[2] = request[2]; // poll interval: the client's
        reply[3] = unchecked((byte)(sbyte)-20); // precision 2^-20 s (~1 µs: DateTime ticks)
        BinaryPrimitives.WriteUInt32BigEndian(reply[4..], 0); // root delay
        BinaryPrimitives.WriteUInt32BigEndian(reply[8..], 0x0000_0290); // root dispersion ~10 ms (16.16 seconds)
        "LOCL"u8.CopyTo(reply[12..]);
        if (!known)
        {
            "INIT"u8.CopyTo(reply[12..]);
        }

        NtpTimestamp.Write(reply[16..], received); // reference: the clock is read, not disciplined, at each request
        request.Slice(40, 8).CopyTo(reply[24..]); // originate = the client's transmit timestamp
        NtpTimestamp.Write(reply[32..], received);
        NtpTimestamp.Write(reply[40..], transmitted);
    }
}
