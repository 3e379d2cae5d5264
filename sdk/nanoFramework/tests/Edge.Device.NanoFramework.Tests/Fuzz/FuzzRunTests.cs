using System.Diagnostics;
using Edge.Device.NanoFramework.Fuzz;
using Edge.Protocol.Senml;

namespace Edge.Device.NanoFramework.Tests.Fuzz;

/// <summary>
/// A short in-process mutation fuzz run of the SharpFuzz harness entries (the long AFL/libFuzzer runs are
/// described in fuzz/README.md): only the documented exception type may escape the parsers (the harness
/// swallows exactly that one), no input may hang, and allocation stays bounded by the input size.
/// </summary>
public sealed class FuzzRunTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    private static byte[][] MqttCorpus() =>
    [
        [0x20, 0x02, 0x00, 0x00],
        [0x20, 0x02, 0x01, 0x00],
        [0x40, 0x02, 0x00, 0x0A],
        [0x90, 0x06, 0x00, 0x0A, 0x00, 0x01, 0x02, 0x80],
        [0xD0, 0x00],
        [0x32, 9, 0, 3, (byte)'a', (byte)'/', (byte)'b', 0, 10, 0xAA, 0xBB],
        [0x30, 0x80, 0x01, 0, 1, (byte)'t', .. new byte[125]],
        [0x40, 0x02, 0x00, 0x01, 0xD0, 0x00, 0x32, 6, 0, 1, (byte)'c', 0, 2, 0x01],
    ];

    private static byte[][] SenmlCorpus()
    {
        var encoder = new SenmlEncoder("dev-1:");
        var buffer = new byte[256];
        encoder.Begin(buffer, 0, buffer.Length, 1_700_000_000, 0xDEADBEEF, 7);
        encoder.TryAddNumber(new SenmlName("temp", "Cel"), 21.5, 0);
        encoder.TryAddNumber(new SenmlName("hum", "%RH"), 40, 1);
        encoder.TryAddBoolean(new SenmlName("door", ""), true, 2);
        var n = encoder.Finish();
        return [buffer[..n], [0x80], [0x81, 0xA1, 0x00, 0x61, 0x61]];
    }

    [Fact]
    public void ParseMqtt_200kMutatedInputs_NoUndocumentedExceptionNoHangBoundedAllocation()
        => Run(FuzzTargets.ParseMqtt, MqttCorpus(), 200_000, seed: 1);

    [Fact]
    public void ParseSenml_50kMutatedInputs_NoUndocumentedExceptionNoHangBoundedAllocation()
        => Run(FuzzTargets.ParseSenml, SenmlCorpus(), 50_000, seed: 2);

    private void Run(Action<byte[]> target, byte[][] corpus, int inputs, int seed)
    {
        var random = new Random(seed);
        var stopwatch = Stopwatch.StartNew();
        long worst = 0;
        var done = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                for (; done < inputs && stopwatch.Elapsed < Budget; done++)
                {
                    var input = Mutate(random, corpus);
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    target(input);
                    var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    worst = Math.Max(worst, allocated - (16 * input.Length));
                    if (allocated > 16_384 + (16L * input.Length))
                    {
                        throw new InvalidOperationException($"{allocated} bytes allocated for a {input.Length}-byte input: {Convert.ToHexString(input)}");
                    }
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(Budget + TimeSpan.FromSeconds(60)), "a parser hung on an input");
        Assert.Null(failure);
        output.WriteLine($"{done} inputs in {stopwatch.Elapsed.TotalSeconds:0.0} s; worst allocation above 16 B/input byte: {worst} bytes");
        Assert.True(done >= Math.Min(inputs, 5_000), $"only {done} inputs ran");
    }

    private static byte[] Mutate(Random random, byte[][] corpus)
    {
        var data = new List<byte>(corpus[random.Next(corpus.Length)]);
        var steps = 1 + random.Next(6);
        for (var s = 0; s < steps; s++)
        {
            switch (random.Next(7))
            {
                case 0 when data.Count > 0:
                    data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
                case 2:
                    data.Insert(random.Next(data.Count + 1), (byte)random.Next(256));
                    break;
                case 3 when data.Count > 0:
                    data.RemoveAt(random.Next(data.Count));
                    break;
                case 4 when data.Count > 0:
                    data.RemoveRange(random.Next(data.Count), data.Count - random.Next(data.Count) > 0 ? 1 : 0);
                    break;
                case 5:
                    data.AddRange(corpus[random.Next(corpus.Length)]);
                    break;
                default:
                    if (data.Count > 0)
                    {
                        data[random.Next(data.Count)] = random.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, _ => 0x80 };
                    }

                    break;
            }
        }

        return [.. data];
    }
}
