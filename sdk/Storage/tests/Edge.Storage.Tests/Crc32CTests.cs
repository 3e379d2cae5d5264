using System.Text;

namespace Edge.Storage.Tests;

public sealed class Crc32CTests
{
    [Fact]
    public void Compute_CheckString_IsTheCastagnoliCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void Append_InPieces_EqualsOneCall()
    {
        var data = Encoding.ASCII.GetBytes("the quick brown fox jumps over the lazy dog, twice over");

        var pieces = ~Crc32C.Append(Crc32C.Append(0xFFFFFFFFu, data.AsSpan(0, 13)), data.AsSpan(13));

        Assert.Equal(Crc32C.Compute(data), pieces);
    }
}
