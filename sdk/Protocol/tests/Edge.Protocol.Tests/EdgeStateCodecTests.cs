using Edge.Protocol.State;

namespace Edge.Protocol.Tests;

public sealed class EdgeStateCodecTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(23UL)]
    [InlineData(24UL)]
    [InlineData(65_536UL)]
    [InlineData(ulong.MaxValue)]
    public void Encode_AnyVersion_RoundTrips(ulong version)
    {
        var buffer = new byte[32];
        var n = EdgeStateCodec.Encode(buffer, 0, buffer.Length, version, [0xF5], 0, 1);
        var state = EdgeStateCodec.Decode(buffer, 0, n);
        Assert.Equal(version, state.Version);
        Assert.Equal("true", state.DocumentToJson());
        Assert.Equal([0xF5], state.GetDocument());
    }

    [Fact]
    public void Decode_MissingVersion_Throws()
    {
        var writer = new System.Formats.Cbor.CborWriter();
        writer.WriteStartMap(1);
        writer.WriteTextString("doc");
        writer.WriteInt32(1);
        writer.WriteEndMap();
        var bytes = writer.Encode();
        Assert.Throws<EdgeFormatException>(() => EdgeStateCodec.Decode(bytes, 0, bytes.Length));
    }

    [Fact]
    public void Decode_DuplicateVersionNegativeVersionOrTrailingBytes_Throws()
    {
        byte[] duplicate = [0xA2, 0x61, 0x76, 0x01, 0x61, 0x76, 0x02];
        byte[] negative = [0xA1, 0x61, 0x76, 0x20];
        byte[] trailing = [0xA1, 0x61, 0x76, 0x01, 0x00];
        Assert.Throws<EdgeFormatException>(() => EdgeStateCodec.Decode(duplicate, 0, duplicate.Length));
        Assert.Throws<EdgeFormatException>(() => EdgeStateCodec.Decode(negative, 0, negative.Length));
        Assert.Throws<EdgeFormatException>(() => EdgeStateCodec.Decode(trailing, 0, trailing.Length));
    }

    [Fact]
    public void Decode_UnknownKey_IsSkipped()
    {
        byte[] payload = [0xA2, 0x61, 0x78, 0x82, 0x01, 0x02, 0x61, 0x76, 0x05];
        Assert.Equal(5UL, EdgeStateCodec.Decode(payload, 0, payload.Length).Version);
    }

    [Fact]
    public void Encode_DocumentNotOneItem_Throws()
    {
        var buffer = new byte[32];
        Assert.Throws<ArgumentException>(() => EdgeStateCodec.Encode(buffer, 0, buffer.Length, 1, [0x01, 0x02], 0, 2));
        Assert.Throws<ArgumentException>(() => EdgeStateCodec.Encode(buffer, 0, buffer.Length, 1, [0x82, 0x01], 0, 2));
    }

    [Fact]
    public void Encode_BufferTooSmall_ReturnsMinusOne()
    {
        var buffer = new byte[4];
        Assert.Equal(-1, EdgeStateCodec.Encode(buffer, 0, buffer.Length, ulong.MaxValue, null, 0, 0));
        Assert.Equal(-1, EdgeStateCodec.Encode(buffer, 0, buffer.Length, 1, [0x63, 0x61, 0x62, 0x63], 0, 4));
    }

    [Fact]
    public void Encode_Report_AllocatesNothing()
    {
        // The device's report after applying a desired state: {"v": n}, no document.
        var buffer = new byte[64];
        EdgeStateCodec.Encode(buffer, 0, buffer.Length, 1, null, 0, 0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            EdgeStateCodec.Encode(buffer, 0, buffer.Length, (ulong)i * 1_000_003UL, null, 0, 0);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
