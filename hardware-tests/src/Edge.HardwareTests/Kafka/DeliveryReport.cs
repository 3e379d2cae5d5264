namespace Edge.HardwareTests.Kafka;

/// <summary>
/// The verdict for one scenario. Counts are readings, except in Kafka-only (bench) mode, where nothing is known
/// of readings the device never sent, so counts are packs and lost = gaps in a boot's sequence numbers.
/// </summary>
internal sealed record DeliveryReport(long Sent, long Delivered, long Duplicates, long Lost, long Reordered, IReadOnlyList<string> Problems)
{
    /// <summary>Readings the devices promised (PUBACKed / durably queued); -1 in Kafka-only mode.</summary>
    public long Promised { get; init; } = -1;

    public bool Passed => Lost == 0 && Reordered == 0;

    public string SummaryLine(string scenario)
        => $"scenario {scenario}: sent {Sent}, delivered {Delivered}, duplicates {Duplicates}, lost {Lost}, reordered {Reordered}";
}
