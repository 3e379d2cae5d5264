using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Tests;

public sealed class AnonymousConnectTests
{
    [Fact]
    public void StripUserName_UserNameWithoutPassword_BecomesAnonymousConnect()
    {
        // MQTT 3.1.1 CONNECT, flags 0x86 (user name, will QoS 0 + will flag, clean session), client id "a", will "t"/"x", user "a".
        byte[] connect = [0x10, 22, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x86, 0, 30, 0, 1, (byte)'a', 0, 1, (byte)'t', 0, 1, (byte)'x', 0, 1, (byte)'a'];

        var rewritten = AnonymousConnect.StripUserName([0xFF, .. connect], 1, connect.Length);

        Assert.Equal([0x10, 19, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x06, 0, 30, 0, 1, (byte)'a', 0, 1, (byte)'t', 0, 1, (byte)'x'], rewritten);
    }

    [Fact]
    public void StripUserName_WithPasswordOrNotConnect_Untouched()
    {
        byte[] withPassword = [0x10, 19, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0xC2, 0, 30, 0, 1, (byte)'a', 0, 1, (byte)'a', 0, 1, (byte)'s'];

        Assert.Null(AnonymousConnect.StripUserName(withPassword, 0, withPassword.Length));
        Assert.Null(AnonymousConnect.StripUserName([0x40, 2, 0, 1], 0, 4));
    }
}
