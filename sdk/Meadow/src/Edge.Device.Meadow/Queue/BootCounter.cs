using System.Buffers.Binary;
using Edge.Storage;

namespace Edge.Device.Meadow.Queue;

/// <summary>
/// The persisted boot counter in the queue folder (<c>boot.id</c>, 4 bytes + CRC32C, replaced atomically):
/// every device instance gets the next value, so (device id, boot id, sequence) never repeats.
/// </summary>
internal static class BootCounter
{
    private const string FileName = "boot.id";

    public static uint Next(string directory)
    {
        DurableDirectory.Create(directory);
        var path = Path.Combine(directory, FileName);
        uint previous = 0;
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == 8 && BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)) == Crc32C.Compute(bytes.AsSpan(0, 4)))
            {
                previous = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            }
            else
            {
                // Corrupted: fall back to the clock so the id still differs from recent boots.
                previous = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            }
        }

        var next = previous == uint.MaxValue ? 1 : previous + 1;
        var data = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(data, next);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), Crc32C.Compute(data.AsSpan(0, 4)));
        AtomicFile.Write(path, data);
        return next;
    }
}
