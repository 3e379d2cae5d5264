namespace Edge.Gateway.Ingest.Dedupe;

/// <summary>
/// Finds the Edge dedupe identity ("bid", "seq": text labels of the first SenML record, docs/protocol.md) in a SenML-CBOR
/// pack without allocating: the publish path calls it for every telemetry message. It reads only as far as the first
/// record's map and gives up (no identity) on anything it does not understand; it never throws.
/// </summary>
/// <remarks>
/// A second CBOR reader beside sdk/Protocol's: that one is compiled for .NET nanoFramework (no <see cref="ReadOnlySpan{T}"/>,
/// byte arrays only) and decodes into objects and strings, which would allocate per message here. The SDK decoder stays the
/// authority on a pack's validity; this only peeks. Thread-safe (stateless).
/// </remarks>
internal static class PackIdentityReader
{
    private const int MaxDepth = 16;

    /// <summary>True when <paramref name="pack"/> starts with an array whose first map holds "bid" and "seq" as uint32s, once each.</summary>
    public static bool TryRead(ReadOnlySpan<byte> pack, out uint bootId, out uint sequence)
    {
        bootId = 0;
        sequence = 0;
        var at = 0;
        if (!TryHead(pack, ref at, out var major, out var count, out var indefinite) || major != 4 || (!indefinite && count == 0))
        {
            return false;
        }

        if (!TryHead(pack, ref at, out major, out count, out indefinite) || major != 5)
        {
            return false;
        }

        bool hasBid = false, hasSeq = false;
        for (ulong i = 0; indefinite || i < count; i++)
        {
            if (indefinite && at < pack.Length && pack[at] == 0xFF)
            {
                break;
            }

            var keyStart = at;
            if (!TryHead(pack, ref at, out var keyMajor, out var keyLength, out var keyIndefinite))
            {
                return false;
            }

            var label = 0; // 1 = bid, 2 = seq
            if (keyMajor == 3 && !keyIndefinite && keyLength == 3 && (ulong)(pack.Length - at) >= 3)
            {
                var text = pack.Slice(at, 3);
                label = text.SequenceEqual("bid"u8) ? 1 : text.SequenceEqual("seq"u8) ? 2 : 0;
            }

            at = keyStart;
            if (!TrySkip(pack, ref at, 0))
            {
                return false;
            }

            if (label == 0)
            {
                if (!TrySkip(pack, ref at, 0))
                {
                    return false;
                }

                continue;
            }

            if (!TryHead(pack, ref at, out var valueMajor, out var value, out var valueIndefinite) || valueMajor != 0 || valueIndefinite || value > uint.MaxValue)
            {
                return false;
            }

            if (label == 1)
            {
                if (hasBid)
                {
                    return false; // duplicate label: the strict decoder refuses the pack
                }

                hasBid = true;
                bootId = (uint)value;
            }
            else
            {
                if (hasSeq)
                {
                    return false;
                }

                hasSeq = true;
                sequence = (uint)value;
            }
        }

        return hasBid && hasSeq;
    }

    /// <summary>Reads an item head: major type, argument (length, count or value), indefinite flag. False on bad input.</summary>
    private static bool TryHead(ReadOnlySpan<byte> data, ref int at, out int major, out ulong argument, out bool indefinite)
    {
        major = 0;
        argument = 0;
        indefinite = false;
        if (at >= data.Length)
        {
            return false;
        }

        var initial = data[at++];
        major = initial >> 5;
        var info = initial & 0x1F;
        if (info < 24)
        {
            argument = (ulong)info;
            return true;
        }

        if (info == 31)
        {
            indefinite = true;
            return major is 2 or 3 or 4 or 5 or 7;
        }

        var size = info switch { 24 => 1, 25 => 2, 26 => 4, 27 => 8, _ => 0 };
        if (size == 0 || data.Length - at < size)
        {
            return false;
        }

        for (var i = 0; i < size; i++)
        {
            argument = (argument << 8) | data[at++];
        }

        return true;
    }

    /// <summary>Skips one complete item (nested up to <see cref="MaxDepth"/>). False on bad or truncated input.</summary>
    private static bool TrySkip(ReadOnlySpan<byte> data, ref int at, int depth)
    {
        if (depth > MaxDepth || !TryHead(data, ref at, out var major, out var argument, out var indefinite))
        {
            return false;
        }

        switch (major)
        {
            case 0 or 1:
                return !indefinite;
            case 2 or 3:
                if (indefinite)
                {
                    return TrySkipUntilBreak(data, ref at, depth, 1);
                }

                if (argument > (ulong)(data.Length - at))
                {
                    return false;
                }

                at += (int)argument;
                return true;
            case 4 or 5:
                if (indefinite)
                {
                    return TrySkipUntilBreak(data, ref at, depth, major == 5 ? 2 : 1);
                }

                var items = major == 5 ? argument * 2 : argument;
                if (items > (ulong)(data.Length - at))
                {
                    return false; // every item takes at least one byte
                }

                for (ulong i = 0; i < items; i++)
                {
                    if (!TrySkip(data, ref at, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            case 6:
                return !indefinite && TrySkip(data, ref at, depth + 1);
            default:
                return !indefinite; // simple values and floats: the head was all of it (a lone break is not an item)
        }
    }

    private static bool TrySkipUntilBreak(ReadOnlySpan<byte> data, ref int at, int depth, int itemsPerEntry)
    {
        while (true)
        {
            if (at >= data.Length)
            {
                return false;
            }

            if (data[at] == 0xFF)
            {
                at++;
                return true;
            }

            for (var i = 0; i < itemsPerEntry; i++)
            {
                if (!TrySkip(data, ref at, depth + 1))
                {
                    return false;
                }
            }
        }
    }
}
