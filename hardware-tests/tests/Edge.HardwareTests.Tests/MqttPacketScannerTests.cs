using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Tests;

public sealed class MqttPacketScannerTests
{
    [Fact]
    public void Feed_PacketsSplitAcrossChunks_EachReportedOnceWhole()
    {
        // PUBACK id 42, PINGRESP, then a PUBLISH with a 200-byte body (two-byte remaining length 0xC8 0x01).
        byte[] stream = [0x40, 0x02, 0x00, 0x2A, 0xD0, 0x00, 0x32, 0xC8, 0x01, .. new byte[200]];
        var scanner = new MqttPacketScanner();
        var seen = new List<(byte, int)>();
        for (var at = 0; at < stream.Length; at += 3)
        {
            scanner.Feed(stream, at, Math.Min(3, stream.Length - at), (first, body) => seen.Add((first, body.Length)));
        }

        Assert.Equal([(0x40, 2), (0xD0, 0), (0x32, 200)], seen);
    }
}
