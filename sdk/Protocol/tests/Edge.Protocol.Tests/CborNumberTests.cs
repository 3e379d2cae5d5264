using Edge.Protocol.Senml;

namespace Edge.Protocol.Tests;

/// <summary>Numbers are written as CBOR ints when integral, else as the shortest exact float.</summary>
public sealed class CborNumberTests
{
    private static readonly SenmlName Reading = new("x");

    [Theory]
    [InlineData(0.0, "00")]
    [InlineData(40.0, "1828")]
    [InlineData(-1.0, "20")]
    [InlineData(1700000000.0, "1A6553F100")]
    [InlineData(9007199254740992.0, "1B0020000000000000")]
    [InlineData(-9007199254740992.0, "3B001FFFFFFFFFFFFF")]
    [InlineData(1e300, "FB7E37E43C8800759C")]
    [InlineData(21.5, "F94D60")]
    [InlineData(-0.0, "F98000")]
    [InlineData(0.5, "F93800")]
    [InlineData(5.960464477539063e-8, "F90001")]
    [InlineData(65504.5, "FA477FE080")]
    [InlineData(0.1, "FB3FB999999999999A")]
    [InlineData(1.401298464324817e-45, "FA00000001")]
    [InlineData(double.PositiveInfinity, "F97C00")]
    [InlineData(double.NegativeInfinity, "F9FC00")]
    [InlineData(double.NaN, "F97E00")]
    public void TryAddNumber_Value_WritesShortestExactForm(double value, string expectedHex)
    {
        var hex = Convert.ToHexString(EncodeValue(value));
        Assert.Equal(expectedHex, hex);
    }

    [Theory]
    [InlineData(21.5)]
    [InlineData(-0.0)]
    [InlineData(0.1)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(float.MaxValue)]
    [InlineData(6.103515625e-05)]
    [InlineData(double.NegativeInfinity)]
    public void Decode_EncodedNumber_KeepsBitsExactly(double value)
    {
        var buffer = new byte[64];
        var encoder = new SenmlEncoder("");
        encoder.Begin(buffer, 0, buffer.Length, 0, 1, 1);
        encoder.TryAddNumber(Reading, value, 0);
        var n = encoder.Finish();
        var decoded = SenmlDecoder.Decode(buffer, 0, n)[0].Value;
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(decoded));
    }

    /// <summary>The CBOR bytes of the "v" field of a one-record pack.</summary>
    private static byte[] EncodeValue(double value)
    {
        var buffer = new byte[64];
        var encoder = new SenmlEncoder("");
        encoder.Begin(buffer, 0, buffer.Length, 0, 1, 1);
        Assert.True(encoder.TryAddNumber(Reading, value, 0));
        var n = encoder.Finish();
        // 81 a5 63'bid' 01 63'seq' 01 00 61'x' 02 <value>
        const int valueStart = 1 + 1 + 4 + 1 + 4 + 1 + 1 + 2 + 1;
        return buffer[valueStart..n];
    }
}
