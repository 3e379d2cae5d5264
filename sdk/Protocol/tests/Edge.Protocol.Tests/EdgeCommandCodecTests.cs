using Edge.Protocol.Commands;

namespace Edge.Protocol.Tests;

public sealed class EdgeCommandCodecTests
{
    [Fact]
    public void EncodeCommand_NoArgs_DecodesWithoutArgs()
    {
        var buffer = new byte[32];
        var n = EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, "42", null, 0, 0);
        var command = EdgeCommandCodec.DecodeCommand(buffer, 0, n);
        Assert.Equal("42", command.Id);
        Assert.False(command.HasArgs);
        Assert.Equal("null", command.ArgsToJson());
    }

    [Fact]
    public void EncodeCommand_ArgsNotOneItem_Throws()
    {
        var buffer = new byte[32];
        Assert.Throws<ArgumentException>(() => EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, "1", [0x01, 0x02], 0, 2));
        Assert.Throws<ArgumentException>(() => EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, "1", [0x82, 0x01], 0, 2));
    }

    [Fact]
    public void Encode_BufferTooSmall_ReturnsMinusOne()
    {
        var buffer = new byte[8];
        Assert.Equal(-1, EdgeCommandCodec.EncodeAck(buffer, 0, buffer.Length, "an-id", false, "a long message"));
        Assert.Equal(-1, EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, "an-id-that-is-long", null, 0, 0));
    }

    [Fact]
    public void DecodeCommand_ArgsOfEveryKind_RenderAsJson()
    {
        var args = new System.Formats.Cbor.CborWriter();
        args.WriteStartMap(null);
        args.WriteTextString("n");
        args.WriteInt32(-5);
        args.WriteTextString("f");
        args.WriteDouble(0.25);
        args.WriteTextString("b");
        args.WriteByteString([1, 2, 3]);
        args.WriteTextString("l");
        args.WriteStartArray(3);
        args.WriteBoolean(true);
        args.WriteNull();
        args.WriteTextString("q\"x");
        args.WriteEndArray();
        args.WriteEndMap();
        var bytes = args.Encode();
        var buffer = new byte[128];
        var n = EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, "x", bytes, 0, bytes.Length);
        var command = EdgeCommandCodec.DecodeCommand(buffer, 0, n);
        Assert.Equal(bytes, command.GetArgs());
        Assert.Equal("{\"n\":-5,\"f\":0.25,\"b\":\"AQID\",\"l\":[true,null,\"q\\\"x\"]}", command.ArgsToJson());
    }

    [Fact]
    public void DecodeAck_MissingOk_Throws()
    {
        var writer = new System.Formats.Cbor.CborWriter();
        writer.WriteStartMap(1);
        writer.WriteTextString("id");
        writer.WriteTextString("x");
        writer.WriteEndMap();
        var bytes = writer.Encode();
        Assert.Throws<EdgeFormatException>(() => EdgeCommandCodec.DecodeAck(bytes, 0, bytes.Length));
    }

    [Fact]
    public void EncodeAck_AllocatesNothing()
    {
        var buffer = new byte[64];
        EdgeCommandCodec.EncodeAck(buffer, 0, buffer.Length, "id", true, "done");
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            EdgeCommandCodec.EncodeAck(buffer, 0, buffer.Length, "id", i % 2 == 0, "done");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
