using Edge.Gateway.Records;

namespace Edge.Gateway.Tests;

public sealed class IngestRecordTests
{
    [Fact]
    public void Encode_ThenDecode_RoundTripsEveryField()
    {
        var payload = new byte[] { 0x81, 0xA2, 0x00, 0x61, 0x74 };
        var bytes = IngestRecord.Encode("esp32-ü1", "edge/v1/esp32-ü1/telemetry", 1, retain: true, payload);

        var record = IngestRecord.Decode(bytes);

        Assert.Equal("esp32-ü1", record.ClientId);
        Assert.Equal("edge/v1/esp32-ü1/telemetry", record.Topic);
        Assert.Equal(1, record.QoS);
        Assert.True(record.Retain);
        Assert.Equal(payload, record.Payload.ToArray());
    }

    [Fact]
    public void Encode_KnownInput_GivesDocumentedLayout()
    {
        var bytes = IngestRecord.Encode("d", "t/x", 2, retain: false, [0xFF]);

        Assert.Equal(new byte[] { 1, 2, 1, 0, (byte)'d', 3, 0, (byte)'t', (byte)'/', (byte)'x', 0xFF }, bytes);
    }

    [Fact]
    public void Decode_TruncatedRecord_ThrowsFormatException()
    {
        var bytes = IngestRecord.Encode("device", "topic", 1, retain: false, [1, 2, 3]);

        for (var length = 0; length < 2 + 2 + 6 + 2 + 5; length++)
        {
            Assert.Throws<FormatException>(() => IngestRecord.Decode(bytes.AsMemory(0, length)));
        }
    }
}
