using System.Text;
using Edge.Protocol.Commands;
using Edge.Protocol.Senml;
using Edge.Protocol.State;

namespace Edge.Protocol.Tests;

/// <summary>docs/protocol.md is the contract: these tests read its hex blocks, so the doc cannot drift.</summary>
public sealed class GoldenBytesTests
{
    private static readonly string Doc = RepoFiles.Combine("docs", "protocol.md");

    [Fact]
    public void Encode_DocExample_MatchesDocHex()
    {
        var expected = RepoFiles.ParseHex(RepoFiles.FencedBlockAfter(Doc, "<!-- golden:telemetry-cbor -->"));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(Golden.Telemetry()));
    }

    [Fact]
    public void Render_DocExample_MatchesDocJson()
    {
        var expected = RepoFiles.FencedBlockAfter(Doc, "<!-- golden:telemetry-json -->");
        var bytes = Golden.Telemetry();
        Assert.Equal(expected, SenmlJson.FromCbor(bytes, 0, bytes.Length));
    }

    [Fact]
    public void Encode_DocExample_SizesMatchTheDoc()
    {
        // docs/protocol.md quotes these counts: 75 B of SenML-CBOR vs 132 B of SenML JSON (57%).
        var cbor = Golden.Telemetry();
        var json = Encoding.UTF8.GetByteCount(SenmlJson.FromCbor(cbor, 0, cbor.Length));
        Assert.Equal(75, cbor.Length);
        Assert.Equal(132, json);
    }

    [Fact]
    public void Decode_DocExample_ExposesIdentityAndResolvedRecords()
    {
        var pack = SenmlDecoder.Decode(Golden.Telemetry());
        Assert.True(pack.HasIdentity);
        Assert.Equal(Golden.BootId, pack.BootId);
        Assert.Equal(Golden.Sequence, pack.Sequence);
        Assert.Equal(2, pack.Count);
        Assert.Equal("esp32-01:temperature", pack[0].ResolvedName);
        Assert.Equal(21.5, pack[0].Value);
        Assert.Equal("Cel", pack[0].ResolvedUnit);
        Assert.Equal(1700000000, pack[0].ResolvedTime);
        Assert.Equal("esp32-01:humidity", pack[1].ResolvedName);
        Assert.Equal(40, pack[1].Value);
        Assert.Equal("%RH", pack[1].Unit);
        Assert.Equal(1700000000, pack[1].ResolvedTime);
    }

    [Fact]
    public void Decode_DocExample_AgreesWithIndependentCborReader()
    {
        // System.Formats.Cbor (strict mode) is a decoder nobody here wrote.
        var reader = new System.Formats.Cbor.CborReader(Golden.Telemetry(), System.Formats.Cbor.CborConformanceMode.Strict);
        Assert.Equal(2, reader.ReadStartArray());
        Assert.Equal(7, reader.ReadStartMap());
        Assert.Equal(-2, reader.ReadInt32());
        Assert.Equal("esp32-01:", reader.ReadTextString());
        Assert.Equal(-3, reader.ReadInt32());
        Assert.Equal(1700000000, reader.ReadInt64());
        Assert.Equal("bid", reader.ReadTextString());
        Assert.Equal(Golden.BootId, reader.ReadUInt32());
        Assert.Equal("seq", reader.ReadTextString());
        Assert.Equal(Golden.Sequence, reader.ReadUInt32());
        Assert.Equal(0, reader.ReadInt32());
        Assert.Equal("temperature", reader.ReadTextString());
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal("Cel", reader.ReadTextString());
        Assert.Equal(2, reader.ReadInt32());
        Assert.Equal((Half)21.5, reader.ReadHalf());
        reader.ReadEndMap();
        reader.SkipValue();
        reader.ReadEndArray();
    }

    [Fact]
    public void EncodeCommand_DocExample_MatchesDocHex()
    {
        var expected = RepoFiles.ParseHex(RepoFiles.FencedBlockAfter(Doc, "<!-- golden:command-cbor -->"));
        var args = new System.Formats.Cbor.CborWriter();
        args.WriteStartMap(1);
        args.WriteTextString("seconds");
        args.WriteInt32(30);
        args.WriteEndMap();
        var argBytes = args.Encode();
        var buffer = new byte[64];
        var n = EdgeCommandCodec.EncodeCommand(buffer, 0, buffer.Length, "c-17", argBytes, 0, argBytes.Length);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer, 0, n));
        var command = EdgeCommandCodec.DecodeCommand(buffer, 0, n);
        Assert.Equal("c-17", command.Id);
        Assert.Equal("{\"seconds\":30}", command.ArgsToJson());
    }

    [Fact]
    public void EncodeAck_DocExample_MatchesDocHex()
    {
        var expected = RepoFiles.ParseHex(RepoFiles.FencedBlockAfter(Doc, "<!-- golden:ack-cbor -->"));
        var buffer = new byte[64];
        var n = EdgeCommandCodec.EncodeAck(buffer, 0, buffer.Length, "c-17", true, "rebooting in 30 s");
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer, 0, n));
        var ack = EdgeCommandCodec.DecodeAck(buffer, 0, n);
        Assert.Equal("c-17", ack.Id);
        Assert.True(ack.Ok);
        Assert.Equal("rebooting in 30 s", ack.Message);
    }

    [Fact]
    public void EncodeDesired_DocExample_MatchesDocHex()
    {
        var expected = RepoFiles.ParseHex(RepoFiles.FencedBlockAfter(Doc, "<!-- golden:desired-cbor -->"));
        var doc = new System.Formats.Cbor.CborWriter();
        doc.WriteStartMap(1);
        doc.WriteTextString("interval_s");
        doc.WriteInt32(30);
        doc.WriteEndMap();
        var docBytes = doc.Encode();
        var buffer = new byte[64];
        var n = EdgeStateCodec.Encode(buffer, 0, buffer.Length, 7, docBytes, 0, docBytes.Length);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer, 0, n));
        var state = EdgeStateCodec.Decode(buffer, 0, n);
        Assert.Equal(7UL, state.Version);
        Assert.Equal("{\"interval_s\":30}", state.DocumentToJson());

        // System.Formats.Cbor (strict) reads the same map.
        var reader = new System.Formats.Cbor.CborReader(expected, System.Formats.Cbor.CborConformanceMode.Strict);
        Assert.Equal(2, reader.ReadStartMap());
        Assert.Equal("v", reader.ReadTextString());
        Assert.Equal(7UL, reader.ReadUInt64());
        Assert.Equal("doc", reader.ReadTextString());
        Assert.Equal(docBytes, reader.ReadEncodedValue().ToArray());
        reader.ReadEndMap();
    }

    [Fact]
    public void EncodeReported_DocExample_MatchesDocHex()
    {
        var expected = RepoFiles.ParseHex(RepoFiles.FencedBlockAfter(Doc, "<!-- golden:reported-cbor -->"));
        var buffer = new byte[16];
        var n = EdgeStateCodec.Encode(buffer, 0, buffer.Length, 7, null, 0, 0);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(buffer, 0, n));
        var state = EdgeStateCodec.Decode(buffer, 0, n);
        Assert.Equal(7UL, state.Version);
        Assert.False(state.HasDocument);
    }
}
