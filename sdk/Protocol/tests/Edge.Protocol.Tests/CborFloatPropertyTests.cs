using CsCheck;
using Edge.Protocol.Senml;

namespace Edge.Protocol.Tests;

/// <summary>The shortest-float choice agrees with the BCL's own Half and float conversions.</summary>
public sealed class CborFloatPropertyTests
{
    private static readonly SenmlName X = new("x");

    [Fact]
    public void Encode_NonIntegralDoubles_PicksTheSmallestExactWidth()
    {
        var gen = Gen.OneOf(
            Gen.Double,
            Gen.Float.Select(f => (double)f),
            Gen.UShort.Select(u => (double)BitConverter.UInt16BitsToHalf(u)),
            Gen.Int.Select(i => (double)BitConverter.Int32BitsToSingle(i)));
        gen.Sample(d =>
        {
            var encoded = EncodedValue(d);
            var isIntegral = Math.Abs(d) <= 9007199254740992.0 && Math.Floor(d) == d && !(d == 0 && double.IsNegative(d));
            if (double.IsNaN(d))
            {
                Assert.Equal("F97E00", Convert.ToHexString(encoded));
            }
            else if (isIntegral)
            {
                Assert.InRange(encoded[0] >> 5, 0, 1); // CBOR integer
            }
            else if ((double)(Half)d == d || (double.IsInfinity(d) && double.IsInfinity((double)(Half)d)))
            {
                Assert.Equal(0xF9, encoded[0]);
                Assert.Equal(BitConverter.HalfToUInt16Bits((Half)d), (ushort)((encoded[1] << 8) | encoded[2]));
            }
            else if ((double)(float)d == d)
            {
                Assert.Equal(0xFA, encoded[0]);
                Assert.Equal(BitConverter.SingleToUInt32Bits((float)d), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(encoded.AsSpan(1)));
            }
            else
            {
                Assert.Equal(0xFB, encoded[0]);
                Assert.Equal(BitConverter.DoubleToUInt64Bits(d), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(encoded.AsSpan(1)));
            }
        }, iter: 50000);
    }

    private static byte[] EncodedValue(double value)
    {
        var buffer = new byte[64];
        var encoder = new SenmlEncoder("");
        encoder.Begin(buffer, 0, buffer.Length, 0, 1, 1);
        encoder.TryAddNumber(X, value, 0);
        var n = encoder.Finish();
        const int valueStart = 1 + 1 + 4 + 1 + 4 + 1 + 1 + 2 + 1;
        return buffer[valueStart..n];
    }
}
