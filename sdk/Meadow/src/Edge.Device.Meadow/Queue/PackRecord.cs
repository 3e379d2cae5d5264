using System.Buffers.Binary;
using Edge.Storage.Segments;

namespace Edge.Device.Meadow.Queue;

/// <summary>
/// A queued pack on disk: one <see cref="RecordFrame"/> of Edge.Storage (the frame's offset is the record id, its
/// timestamp 0) whose payload carries the pack's metadata before the pack bytes: <c>[u32 readings][pack]</c>, little-endian.
/// </summary>
/// <remarks>
/// Format 2 of the queue (segments <c>{first id:D20}.log</c>). Format 1 (<c>{index:D12}.seg</c>, a 20-byte header of
/// its own) is refused at open with a message, never misread (<see cref="DurableQueue"/>).
/// </remarks>
internal static class PackRecord
{
    /// <summary>Bytes of metadata before the pack in the frame's payload.</summary>
    public const int MetadataSize = 4;

    /// <summary>The extension of format-1 segment files.</summary>
    public const string Format1Extension = ".seg";

    /// <summary>Bytes on disk of a record holding a pack of <paramref name="packLength"/> bytes.</summary>
    public static int Size(int packLength) => RecordFrame.HeaderSize + MetadataSize + packLength;

    /// <summary>Writes the frame header and the metadata into <paramref name="head"/> (<see cref="RecordFrame.HeaderSize"/> + <see cref="MetadataSize"/> bytes); the pack follows it.</summary>
    public static void WriteHead(Span<byte> head, long id, int readings, ReadOnlySpan<byte> pack)
    {
        Span<byte> metadata = head.Slice(RecordFrame.HeaderSize, MetadataSize);
        BinaryPrimitives.WriteInt32LittleEndian(metadata, readings);
        RecordFrame.WriteHeader(head, id, 0, metadata, pack);
    }

    /// <summary>The reading count of a frame's payload; false when the payload is not a pack record.</summary>
    public static bool TryReadReadings(ReadOnlySpan<byte> payload, out int readings)
    {
        readings = payload.Length >= MetadataSize ? BinaryPrimitives.ReadInt32LittleEndian(payload) : -1;
        return readings >= 0;
    }
}
