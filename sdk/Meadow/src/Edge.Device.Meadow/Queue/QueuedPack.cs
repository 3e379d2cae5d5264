namespace Edge.Device.Meadow.Queue;

/// <summary>A durable record: where its payload lives and how many readings it holds.</summary>
internal sealed class QueuedPack
{
    public QueuedPack(long id, QueueSegment segment, long payloadOffset, int length, int readings)
    {
        Id = id;
        Segment = segment;
        PayloadOffset = payloadOffset;
        Length = length;
        Readings = readings;
    }

    /// <summary>Record id: strictly increasing across segments and restarts.</summary>
    public long Id { get; }

    public QueueSegment Segment { get; }

    public long PayloadOffset { get; }

    public int Length { get; }

    public int Readings { get; }
}
