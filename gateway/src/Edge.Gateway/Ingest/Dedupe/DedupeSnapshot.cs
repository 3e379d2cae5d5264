using System.Buffers.Binary;
using System.Text;
using Edge.Storage;

namespace Edge.Gateway.Ingest.Dedupe;

/// <summary>
/// The dedupe state as of a log offset, in <c>{Storage:Path}/dedupe.state</c>: a cache that saves re-reading the whole
/// log at start and keeps what the log's retention has deleted. It only ever holds what came from durable records below
/// <see cref="CoveredOffset"/> (the ingest records a pack after its fsync); the log from that offset on is replayed over it.
/// </summary>
/// <remarks>
/// Layout (little-endian): <c>"EDDS" | u8 version 1 | logId (32 ASCII) | i64 coveredOffset | u32 devices |
/// per device: u16 idLength, id UTF-8, u8 provisioned, u8 boots, boots × (u32 bid, u32 high, u64 mask) oldest first,
/// u16 pending, pending × (u16 packetId, u64 hash) | u32 CRC-32C of everything before</c>. Replaced atomically
/// (<see cref="AtomicFile"/>: temporary file, fsync, rename, directory fsync). A file that does not check out is ignored
/// and the state is rebuilt from the log alone.
/// </remarks>
internal sealed record DedupeSnapshot(string LogId, long CoveredOffset, IReadOnlyList<DedupeSnapshot.Device> Devices)
{
    public const string FileName = "dedupe.state";
    private static ReadOnlySpan<byte> Magic => "EDDS"u8;
    private const byte Version = 1;

    /// <summary>One device's state.</summary>
    public sealed record Device(string Id, bool Provisioned, BootWindow[] Boots, KeyValuePair<ushort, ulong>[] Pending);

    /// <summary>Writes the snapshot durably; throws <see cref="IOException"/> naming the path when it cannot.</summary>
    public void Write(string path)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(Encoding.ASCII.GetBytes(LogId.PadRight(32)[..32]));
            writer.Write(CoveredOffset);
            writer.Write(Devices.Count);
            foreach (var device in Devices)
            {
                var id = Encoding.UTF8.GetBytes(device.Id);
                writer.Write((ushort)id.Length);
                writer.Write(id);
                writer.Write((byte)(device.Provisioned ? 1 : 0));
                writer.Write((byte)device.Boots.Length);
                foreach (var boot in device.Boots)
                {
                    writer.Write(boot.BootId);
                    writer.Write(boot.High);
                    writer.Write(boot.Mask);
                }

                writer.Write((ushort)device.Pending.Length);
                foreach (var (packetId, hash) in device.Pending)
                {
                    writer.Write(packetId);
                    writer.Write(hash);
                }
            }
        }

        var crc = Crc32C.Compute(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, crc);
        buffer.Write(tail);
        AtomicFile.Write(path, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Reads a snapshot; null when the file is absent, and a reason when it is unreadable or does not check out.</summary>
    public static DedupeSnapshot? TryRead(string path, out string? problem)
    {
        problem = null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }

        try
        {
            return Parse(bytes);
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentException)
        {
            problem = e.Message;
            return null;
        }
    }

    private static DedupeSnapshot Parse(byte[] bytes)
    {
        if (bytes.Length < 4 + 1 + 32 + 8 + 4 + 4 || !bytes.AsSpan(0, 4).SequenceEqual(Magic) || bytes[4] != Version)
        {
            throw new FormatException($"not a version {Version} dedupe snapshot ({bytes.Length} bytes)");
        }

        var body = bytes.AsSpan(0, bytes.Length - 4);
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)))
        {
            throw new FormatException("checksum mismatch");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 4, writable: false), Encoding.UTF8);
        reader.ReadBytes(5);
        var logId = Encoding.ASCII.GetString(reader.ReadBytes(32));
        var covered = reader.ReadInt64();
        var count = reader.ReadInt32();
        if (count < 0 || covered < 0)
        {
            throw new FormatException("negative count or offset");
        }

        var devices = new List<Device>(Math.Min(count, 1 << 16));
        for (var i = 0; i < count; i++)
        {
            var id = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
            var provisioned = reader.ReadByte() == 1;
            var boots = new BootWindow[reader.ReadByte()];
            for (var b = 0; b < boots.Length; b++)
            {
                boots[b] = new BootWindow { BootId = reader.ReadUInt32(), High = reader.ReadUInt32(), Mask = reader.ReadUInt64() };
            }

            var pending = new KeyValuePair<ushort, ulong>[reader.ReadUInt16()];
            for (var p = 0; p < pending.Length; p++)
            {
                pending[p] = new KeyValuePair<ushort, ulong>(reader.ReadUInt16(), reader.ReadUInt64());
            }

            devices.Add(new Device(id, provisioned, boots, pending));
        }

        return new DedupeSnapshot(logId, covered, devices);
    }
}
