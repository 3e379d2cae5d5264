using System.Buffers.Binary;
#if NETCOREAPP3_0_OR_GREATER
using System.Numerics;
#endif

namespace Edge.Storage;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Edge's on-disk frames. On .NET 8+ it uses the
/// CPU's CRC32C instructions (SSE4.2 on x86-64, the CRC extension on arm64) through BitOperations.Crc32C; netstandard2.1
/// (Meadow F7) has no such API and uses a 256-entry table. Both give the same values (tested).
/// </summary>
/// <remarks>Thread-safe (pure functions).</remarks>
public static class Crc32C
{
#if !NETCOREAPP3_0_OR_GREATER
    private static readonly uint[] Table = BuildTable();
#endif

    /// <summary>The CRC-32C of <paramref name="data"/> (initial value and final XOR 0xFFFFFFFF): "123456789" gives 0xE3069283.</summary>
    /// <param name="data">The bytes to checksum.</param>
    /// <returns>The checksum.</returns>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    /// <summary>
    /// Continues a running CRC-32C state over <paramref name="data"/> (no initial or final inversion: start with
    /// 0xFFFFFFFF, invert the result at the end).
    /// </summary>
    /// <param name="state">The running state.</param>
    /// <param name="data">The next bytes.</param>
    /// <returns>The new state.</returns>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        int i = 0;
#if NETCOREAPP3_0_OR_GREATER
        for (; i + 8 <= data.Length; i += 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i)));
        }

        for (; i < data.Length; i++)
        {
            state = BitOperations.Crc32C(state, data[i]);
        }
#else
        for (; i < data.Length; i++)
        {
            state = Table[(state ^ data[i]) & 0xFF] ^ (state >> 8);
        }
#endif
        return state;
    }

#if !NETCOREAPP3_0_OR_GREATER
    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
#endif
}
