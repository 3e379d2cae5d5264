namespace Edge.Device.Meadow.Queue;

/// <summary>Counters of a <see cref="DurableQueue"/> at one moment.</summary>
internal sealed record QueueCounters(
    long LiveReadings,
    long LiveBytes,
    int LivePacks,
    long QueuedReadings,
    long AckedReadings,
    long AckedPacks,
    long DroppedReadings,
    long RejectedReadings,
    long Fsyncs,
    int Segments);
