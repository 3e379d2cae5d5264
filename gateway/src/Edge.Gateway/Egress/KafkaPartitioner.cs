namespace Edge.Gateway.Egress;

/// <summary>
/// The partition librdkafka's <c>murmur2_random</c> partitioner (the producer's setting, <see cref="ProducerSettings"/>)
/// and the Java client's default partitioner give a keyed record: <c>(murmur2(key) &amp; 0x7fffffff) % partitions</c>,
/// Kafka's murmur2 with seed 0x9747b28c. A pure function; thread-safe.
/// </summary>
internal static class KafkaPartitioner
{
    /// <summary>The partitioner property value the read-back can follow (<c>murmur2</c> gives the same for keyed records).</summary>
    public static readonly IReadOnlyList<string> Supported = ["murmur2_random", "murmur2"];

    /// <summary>
    /// The partition of a record with this key, or -1 when the key is empty: librdkafka then picks a partition at
    /// random (the read-back looks in every partition for such a record).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitionCount"/> is less than 1.</exception>
    public static int Partition(ReadOnlySpan<byte> key, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        return key.IsEmpty ? -1 : (int)((Murmur2(key) & 0x7fffffffU) % (uint)partitionCount);
    }

    /// <summary>Kafka's 32-bit murmur2 (MurmurHash2 by Austin Appleby, seed 0x9747b28c, little-endian blocks).</summary>
    public static uint Murmur2(ReadOnlySpan<byte> data)
    {
        const uint M = 0x5bd1e995;
        const int R = 24;
        unchecked
        {
            var h = 0x9747b28cU ^ (uint)data.Length;
            var blocks = data.Length / 4;
            for (var i = 0; i < blocks; i++)
            {
                var k = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
                k *= M;
                k ^= k >> R;
                k *= M;
                h *= M;
                h ^= k;
            }

            var tail = data[(blocks * 4)..];
            switch (tail.Length)
            {
                case 3:
                    h ^= (uint)tail[2] << 16;
                    goto case 2;
                case 2:
                    h ^= (uint)tail[1] << 8;
                    goto case 1;
                case 1:
                    h ^= tail[0];
                    h *= M;
                    break;
            }

            h ^= h >> 13;
            h *= M;
            h ^= h >> 15;
            return h;
        }
    }
}
