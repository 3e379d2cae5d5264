using Edge.Gateway.Ingest.Dedupe;
using Edge.Protocol.Senml;

namespace Edge.Gateway.Tests.ExactlyOnce;

public sealed class PackIdentityReaderTests
{
    // docs/protocol.md's golden telemetry pack: esp32-01, bid 0x12345678, seq 42.
    private static readonly byte[] Golden = Convert.FromHexString(
        "82a7216965737033322d30313a221a6553f10063626964" + "1a123456786373657118" + "2a006b74656d7065726174757265016343656c02f94d60a300"
        + "6868756d696469747901632552480218" + "28");

    [Fact]
    public void TryRead_GoldenPack_FindsBidAndSeqLikeTheSdkDecoder()
    {
        Assert.True(PackIdentityReader.TryRead(Golden, out var bid, out var seq));

        var pack = SenmlDecoder.Decode(Golden);
        Assert.True(pack.HasIdentity);
        Assert.Equal(pack.BootId, bid);
        Assert.Equal(pack.Sequence, seq);
        Assert.Equal(305419896u, bid);
        Assert.Equal(42u, seq);
    }

    [Fact]
    public void TryRead_EveryTruncationOfTheGoldenPack_NeverThrowsAndOnlyClaimsWhatItRead()
    {
        for (var length = 0; length < Golden.Length; length++)
        {
            if (PackIdentityReader.TryRead(Golden.AsSpan(0, length), out var bid, out var seq))
            {
                Assert.Equal((305419896u, 42u), (bid, seq)); // long enough to hold both: the first map is read, not validated
            }
        }
    }

    [Theory]
    [InlineData("a0")] // a map, not an array
    [InlineData("80")] // an empty pack
    [InlineData("81a16362696401")] // bid only
    [InlineData("81a263626964016362696402")] // bid twice
    [InlineData("81a263626964386373657101")] // negative bid
    [InlineData("81a263626964f93c006373657101")] // bid as a float
    [InlineData("81a2636269641b00000001000000006373657101")] // bid above uint32
    [InlineData("82a10001a263626964016373657102")] // identity in the second record only
    public void TryRead_NoValidIdentityInTheFirstRecord_False(string hex)
    {
        Assert.False(PackIdentityReader.TryRead(Convert.FromHexString(hex), out _, out _));
    }

    [Fact]
    public void TryRead_IndefiniteLengthsAndNestedValuesBeforeTheIdentity_Found()
    {
        // [_ {_ "x": [1, {"a": h'00'}], "bid": 7, "seq": 9 }]
        var pack = Convert.FromHexString("9fbf6178820" + "1a161614100" + "63626964076373657109ffff");
        Assert.True(PackIdentityReader.TryRead(pack, out var bid, out var seq));
        Assert.Equal((7u, 9u), (bid, seq));
    }

    [Fact]
    public void TryRead_SteadyState_AllocatesNothing()
    {
        PackIdentityReader.TryRead(Golden, out _, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            PackIdentityReader.TryRead(Golden, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
