using CsCheck;
using Edge.Protocol.Senml;

namespace Edge.Protocol.Tests;

/// <summary>Property tests: any pack the encoder writes decodes to the same fields (NaN payloads excepted).</summary>
public sealed class SenmlRoundTripTests
{
    private sealed record Reading(string Name, string? Unit, int Kind, double Number, bool Flag, string Text, byte[] Data, double Time);

    private static readonly Gen<string> NameGen = Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_.:/"], 1, 40];
    private static readonly Gen<string?> UnitGen = Gen.OneOf(Gen.Const((string?)null), Gen.OneOf<string?>("Cel", "%RH", "V", "A", "W", "m/s2", "lx"));
    private static readonly Gen<double> NumberGen = Gen.Frequency(
        (4, Gen.Double),
        (2, Gen.Double.Unit),
        (2, Gen.Float.Select(f => (double)f)),
        (2, Gen.Int.Select(i => (double)i)),
        (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, double.Epsilon, double.MaxValue, double.MinValue, 65504.0, 6.0e-8)));

    private static readonly Gen<Reading> ReadingGen =
        from name in NameGen
        from unit in UnitGen
        from kind in Gen.Int[0, 3]
        from number in NumberGen
        from flag in Gen.Bool
        from text in Gen.String
        from data in Gen.Byte.Array[0, 40]
        from time in Gen.OneOf(Gen.Const(0.0), Gen.Double[-1e6, 1e6], Gen.Int[-3600, 3600].Select(i => (double)i))
        select new Reading(name, unit, kind, number, flag, text, data, time);

    [Fact]
    public void EncodeDecode_RandomPacks_RoundTrip()
    {
        var packGen =
            from baseName in Gen.OneOf(Gen.Const(""), NameGen)
            from baseTime in Gen.OneOf(Gen.Const(0.0), Gen.Double[0, 4e9], Gen.Long[0, 4_000_000_000].Select(l => (double)l))
            from bootId in Gen.UInt
            from sequence in Gen.UInt
            from readings in ReadingGen.Array[1, 12]
            select (baseName, baseTime, bootId, sequence, readings);

        packGen.Sample(p =>
        {
            var encoder = new SenmlEncoder(p.baseName);
            var buffer = new byte[8192];
            encoder.Begin(buffer, 0, buffer.Length, p.baseTime, p.bootId, p.sequence);
            foreach (var r in p.readings)
            {
                var name = new SenmlName(r.Name, r.Unit);
                var added = r.Kind switch
                {
                    0 => encoder.TryAddNumber(name, r.Number, r.Time),
                    1 => encoder.TryAddBoolean(name, r.Flag, r.Time),
                    2 => encoder.TryAddString(name, r.Text, r.Time),
                    _ => encoder.TryAddData(name, r.Data, 0, r.Data.Length, r.Time),
                };
                Assert.True(added);
            }

            var length = encoder.Finish();
            var pack = SenmlDecoder.Decode(buffer, 0, length);
            Assert.True(pack.HasIdentity);
            Assert.Equal(p.bootId, pack.BootId);
            Assert.Equal(p.sequence, pack.Sequence);
            Assert.Equal(p.readings.Length, pack.Count);
            for (var i = 0; i < pack.Count; i++)
            {
                var r = p.readings[i];
                var d = pack[i];
                Assert.Equal(r.Name, d.Name);
                Assert.Equal(r.Unit, d.Unit);
                Assert.Equal(p.baseName + r.Name, d.ResolvedName);
                Assert.Equal(BitConverter.DoubleToInt64Bits(r.Time), BitConverter.DoubleToInt64Bits(d.Time));
                Assert.Equal(p.baseTime + r.Time, d.ResolvedTime);
                switch (r.Kind)
                {
                    case 0:
                        Assert.True(d.Has(SenmlFields.Value));
                        if (double.IsNaN(r.Number))
                        {
                            Assert.True(double.IsNaN(d.Value)); // NaN is canonicalised (payload and sign dropped)
                        }
                        else
                        {
                            Assert.Equal(BitConverter.DoubleToInt64Bits(r.Number), BitConverter.DoubleToInt64Bits(d.Value));
                        }

                        break;
                    case 1:
                        Assert.Equal(r.Flag, d.BooleanValue);
                        break;
                    case 2:
                        Assert.Equal(r.Text, d.StringValue);
                        break;
                    default:
                        Assert.Equal(r.Data, d.DataValue);
                        break;
                }
            }

            // The JSON rendering never fails on a decodable pack.
            Assert.StartsWith("[{", SenmlJson.Render(pack), StringComparison.Ordinal);
        }, iter: 3000);
    }

    [Fact]
    public void Encode_AnyFiniteDouble_UsesNoMoreBytesThanDouble()
    {
        Gen.Double.Sample(d =>
        {
            var buffer = new byte[64];
            var encoder = new SenmlEncoder("");
            encoder.Begin(buffer, 0, buffer.Length, 0, 0, 0);
            encoder.TryAddNumber(new SenmlName("x"), d, 0);
            var n = encoder.Finish();
            Assert.True(n <= 1 + 1 + 4 + 1 + 4 + 1 + 1 + 2 + 1 + 9);
            var back = SenmlDecoder.Decode(buffer, 0, n)[0].Value;
            Assert.True(double.IsNaN(d) ? double.IsNaN(back) : BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(back));
        }, iter: 20000);
    }

    [Fact]
    public void TryAdd_BufferTooSmall_ReturnsFalseAndKeepsPackValid()
    {
        var name = new SenmlName("temperature", "Cel");
        var buffer = new byte[100];
        var encoder = new SenmlEncoder("device-with-a-long-name:");
        encoder.Begin(buffer, 0, buffer.Length, 1700000000.25, 7, 8);
        var added = 0;
        while (encoder.TryAddNumber(name, 20 + (added * 0.1), added))
        {
            added++;
        }

        Assert.True(added > 0);
        var length = encoder.Finish();
        var pack = SenmlDecoder.Decode(buffer, 0, length);
        Assert.Equal(added, pack.Count);
    }

    [Fact]
    public void Encode_SteadyState_AllocatesNothing()
    {
        var names = new[] { new SenmlName("temperature", "Cel"), new SenmlName("humidity", "%RH"), new SenmlName("door") };
        var encoder = new SenmlEncoder("esp32-01:");
        var buffer = new byte[512];
        void EncodeOnce(uint seq)
        {
            encoder.Begin(buffer, 0, buffer.Length, 1700000000 + seq, 99, seq);
            encoder.TryAddNumber(names[0], 21.5 + seq, 0);
            encoder.TryAddNumber(names[1], 0.1 * seq, 1.5);
            encoder.TryAddBoolean(names[2], seq % 2 == 0, 2);
            encoder.TryAddString(names[2], "open", 3);
            encoder.Finish();
        }

        EncodeOnce(0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (uint i = 1; i <= 1000; i++)
        {
            EncodeOnce(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
