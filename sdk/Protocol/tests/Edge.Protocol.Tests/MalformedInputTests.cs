using CsCheck;
using Edge.Protocol.Commands;
using Edge.Protocol.Senml;

namespace Edge.Protocol.Tests;

/// <summary>Decoders reject any malformed input with EdgeFormatException only, bounded in time and memory.</summary>
public sealed class MalformedInputTests
{
    [Fact]
    public void Decode_TruncatedAtEveryPosition_ThrowsEdgeFormatException()
    {
        var bytes = Golden.Telemetry();
        for (var length = 0; length < bytes.Length; length++)
        {
            var e = Assert.Throws<EdgeFormatException>(() => SenmlDecoder.Decode(bytes, 0, length));
            Assert.InRange(e.Offset, 0, length);
        }
    }

    [Fact]
    public void DecodeCommandAndAck_TruncatedAtEveryPosition_ThrowEdgeFormatException()
    {
        var buffer = new byte[64];
        var n = EdgeCommandCodec.EncodeAck(buffer, 0, buffer.Length, "id-1", false, "no such relay");
        var c = new byte[64];
        var m = EdgeCommandCodec.EncodeCommand(c, 0, c.Length, "id-1", [0x82, 0x01, 0x02], 0, 3);
        for (var length = 0; length < n; length++)
        {
            Assert.Throws<EdgeFormatException>(() => EdgeCommandCodec.DecodeAck(buffer, 0, length));
        }

        for (var length = 0; length < m; length++)
        {
            Assert.Throws<EdgeFormatException>(() => EdgeCommandCodec.DecodeCommand(c, 0, length));
        }
    }

    [Fact]
    public void Decode_RandomBytes_OnlyEdgeFormatException()
    {
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            AssertOnlyFormatErrors(bytes);
        }, iter: 50000);
    }

    [Fact]
    public void Decode_MutatedValidPacks_OnlyEdgeFormatException()
    {
        var golden = Golden.Telemetry();
        Gen.Select(Gen.Int[0, golden.Length - 1], Gen.Byte, Gen.Int[0, golden.Length], (a, b, c) => (a, b, c)).Sample((position, value, cut) =>
        {
            var bytes = (byte[])golden.Clone();
            bytes[position] = value;
            AssertOnlyFormatErrors(bytes[..cut]);
            AssertOnlyFormatErrors(bytes);
        }, iter: 50000);
    }

    [Theory]
    [InlineData("9BFFFFFFFFFFFFFFFF", "array length beyond input")]
    [InlineData("81BB7FFFFFFFFFFFFFFF", "map length beyond input")]
    [InlineData("81A1007BFFFFFFFFFFFFFFFF", "text length beyond input")]
    [InlineData("81A10061FF", "invalid UTF-8")]
    [InlineData("81A100620061C0", "trailing byte")]
    [InlineData("81A1001C", "reserved additional info")]
    [InlineData("80", "empty pack")]
    [InlineData("A0", "not an array")]
    [InlineData("81A20000", "truncated map")]
    [InlineData("81A200610000617A", "duplicate label")]
    [InlineData("81A16178615F", "ok: unknown text label is skipped")]
    [InlineData("81A1626E5FF5", "must-understand label")]
    [InlineData("81A102F6", "v is null")]
    [InlineData("81A104F6", "vb is null")]
    [InlineData("81A10262", "truncated")]
    [InlineData("81A1F5F5", "boolean label")]
    [InlineData("81FF", "stray break")]
    public void Decode_MalformedPack_ThrowsEdgeFormatException(string hex, string why)
    {
        var bytes = Convert.FromHexString(hex);
        if (why.StartsWith("ok:", StringComparison.Ordinal))
        {
            Assert.Equal(1, SenmlDecoder.Decode(bytes).Count);
            return;
        }

        Assert.Throws<EdgeFormatException>(() => SenmlDecoder.Decode(bytes));
    }

    [Fact]
    public void Decode_DeepNestingInUnknownField_ThrowsInsteadOfOverflowing()
    {
        // [{ "x": [[[[... 100000 deep ]]]] }]
        var bytes = new List<byte> { 0x81, 0xA1, 0x61, (byte)'x' };
        bytes.AddRange(Enumerable.Repeat((byte)0x81, 100_000));
        bytes.Add(0x00);
        var e = Assert.Throws<EdgeFormatException>(() => SenmlDecoder.Decode([.. bytes]));
        Assert.Contains("Nesting", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeCommand_DeepArgs_ThrowsInsteadOfOverflowing()
    {
        var bytes = new List<byte> { 0xA2, 0x62, (byte)'i', (byte)'d', 0x61, (byte)'a', 0x64, (byte)'a', (byte)'r', (byte)'g', (byte)'s' };
        bytes.AddRange(Enumerable.Repeat((byte)0x9F, 50_000));
        Assert.Throws<EdgeFormatException>(() => EdgeCommandCodec.DecodeCommand([.. bytes], 0, bytes.Count));
    }

    private static void AssertOnlyFormatErrors(byte[] bytes)
    {
        try
        {
            var pack = SenmlDecoder.Decode(bytes, 0, bytes.Length);
            _ = SenmlJson.Render(pack);
        }
        catch (EdgeFormatException)
        {
        }

        try
        {
            var command = EdgeCommandCodec.DecodeCommand(bytes, 0, bytes.Length);
            _ = command.ArgsToJson();
        }
        catch (EdgeFormatException)
        {
        }

        try
        {
            EdgeCommandCodec.DecodeAck(bytes, 0, bytes.Length);
        }
        catch (EdgeFormatException)
        {
        }
    }
}
