namespace Edge.Gateway.Fuzz;

/// <summary>
/// Random byte mutations of seed inputs for the bounded in-process run in CI (the long runs are coverage-guided by
/// AFL or libFuzzer instead, see ../README.md). Deterministic for a given <see cref="Random"/> seed.
/// </summary>
public static class InputMutator
{
    public static byte[] Mutate(Random random, IReadOnlyList<byte[]> corpus)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(corpus);
        var data = new List<byte>(corpus[random.Next(corpus.Count)]);
        var steps = 1 + random.Next(6);
        for (var s = 0; s < steps; s++)
        {
            var at = data.Count > 1 ? 1 + random.Next(data.Count - 1) : data.Count; // byte 0 picks the protocol
            switch (random.Next(8))
            {
                case 0 when at < data.Count:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when at < data.Count:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.Insert(at, (byte)random.Next(256));
                    break;
                case 3 when at < data.Count:
                    data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(8)));
                    break;
                case 4:
                    data.AddRange(corpus[random.Next(corpus.Count)].Skip(1)); // another seed's packets appended
                    break;
                case 5 when at < data.Count:
                    data[at] = random.Next(5) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, 3 => 0x80, _ => 0xC0 };
                    break;
                case 6:
                    data[0] ^= 1; // the other protocol version
                    break;
                default:
                    if (data.Count > 2)
                    {
                        // Duplicate a slice (repeats packets, or cuts one in two).
                        var start = 1 + random.Next(data.Count - 1);
                        var length = Math.Min(data.Count - start, 1 + random.Next(32));
                        data.InsertRange(at, data.GetRange(start, length));
                    }

                    break;
            }
        }

        return [.. data];
    }
}
