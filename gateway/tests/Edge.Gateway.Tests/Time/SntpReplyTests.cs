using Edge.Gateway.Time;

namespace Edge.Gateway.Tests.Time;

/// <summary>RFC 4330 server mode, byte by byte: the reply to a hand-built client request, and what is never answered.</summary>
public sealed class SntpReplyTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An SNTPv4 client request (RFC 4330 section 5: LI 0, VN 4, mode 3; only the transmit timestamp set).</summary>
    internal static byte[] ClientRequest(DateTimeOffset transmit, int version = 4)
    {
        var request = new byte[48];
        request[0] = (byte)((version << 3) | 3);
        request[2] = 6; // poll 2^6 s
        NtpTimestamp.Write(request.AsSpan(40), transmit);
        return request;
    }

    [Fact]
    public void Write_ClientRequest_ServerModeWithOriginateEchoedAndGatewayTimes()
    {
        var request = ClientRequest(new DateTimeOffset(2026, 12, 1, 11, 59, 59, TimeSpan.Zero));
        var reply = new byte[48];

        SntpReply.Write(request, reply, Received, Received.AddMilliseconds(1), stratum: 10);

        Assert.Equal(0b00_100_100, reply[0]); // LI 0 (clock set), VN 4 (the client's), mode 4 (server)
        Assert.Equal(10, reply[1]); // stratum
        Assert.Equal(6, reply[2]); // the client's poll
        Assert.Equal("LOCL", System.Text.Encoding.ASCII.GetString(reply, 12, 4));
        Assert.Equal(request.AsSpan(40, 8).ToArray(), reply.AsSpan(24, 8).ToArray()); // originate = client's transmit
        // 2026-12-01T12:00:00Z is 4,005,115,200 s after 1900-01-01 (0xEEB9_3540), fraction 0.
        Assert.Equal(new byte[] { 0xEE, 0xB9, 0x35, 0x40, 0, 0, 0, 0 }, reply.AsSpan(32, 8).ToArray());
        Assert.Equal(Received, NtpTimestamp.Read(reply.AsSpan(32)));
        Assert.InRange((NtpTimestamp.Read(reply.AsSpan(40)) - Received.AddMilliseconds(1)).Duration().Ticks, 0, 1); // 2^-32 s fraction
    }

    [Fact]
    public void Write_GatewayClockNeverSet_LeapAlarmStratumZeroInit()
    {
        var reply = new byte[48];

        SntpReply.Write(ClientRequest(Received), reply, new DateTimeOffset(1970, 1, 1, 0, 5, 0, TimeSpan.Zero), new DateTimeOffset(1970, 1, 1, 0, 5, 0, TimeSpan.Zero), stratum: 10);

        Assert.Equal(3, reply[0] >> 6); // alarm: not synchronised, which RFC 4330 clients discard
        Assert.Equal(0, reply[1]);
        Assert.Equal("INIT", System.Text.Encoding.ASCII.GetString(reply, 12, 4));
    }

    [Theory]
    [InlineData(47, 0x23, "short")]
    [InlineData(0, 0x23, "short")]
    [InlineData(48, 0x24, "not_client_mode")] // a server reply sent back at us
    [InlineData(48, 0x26, "not_client_mode")] // mode 6: ntpq control
    [InlineData(48, 0x03, "bad_version")] // version 0
    [InlineData(48, 0x2B, "bad_version")] // version 5
    public void Refusal_NotAClientRequest_Named(int length, byte first, string expected)
    {
        var datagram = new byte[length];
        if (length > 0)
        {
            datagram[0] = first;
        }

        Assert.Equal(expected, SntpReply.Refusal(datagram));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Refusal_ClientRequestOfAnyVersion_Answered(int version)
        => Assert.Null(SntpReply.Refusal(ClientRequest(Received, version)));

    [Fact]
    public void NtpTimestamp_RoundTrip_WithinOneTick()
    {
        var time = new DateTimeOffset(2031, 5, 6, 7, 8, 9, 123, TimeSpan.Zero).AddTicks(4567);
        var buffer = new byte[8];

        NtpTimestamp.Write(buffer, time);

        Assert.InRange((NtpTimestamp.Read(buffer) - time).Duration().Ticks, 0, 1);
    }
}
