namespace Edge.HardwareTests.Kafka;

/// <summary>
/// The verdict for one scenario. Counts are readings, except in Kafka-only (bench) mode, where nothing is known
/// of readings the device never sent, so counts are packs and lost = gaps in a boot's sequence numbers.
/// </summary>
internal sealed record DeliveryReport(long Sent, long Delivered, long Duplicates, long Lost, long Reordered, IReadOnlyList<string> Problems)
{
    /// <summary>Readings the devices promised (PUBACKed / durably queued); -1 in Kafka-only mode.</summary>
    public long Promised { get; init; } = -1;

    /// <summary>Packs in Kafka more than once by (device, bid, seq), whatever their readings (copies after the first).</summary>
    public long IdentityDuplicates { get; init; }

    /// <summary>Of <see cref="IdentityDuplicates"/>, copies with the first copy's (edge.log, edge.offset): the gateway's egress re-sent one log record.</summary>
    public long ResentByGateway { get; init; }

    /// <summary>The gateway ran with <c>Kafka:Delivery=ExactlyOnce</c>: any <see cref="IdentityDuplicates"/> fails the report.</summary>
    public bool ExactlyOnce { get; init; }

    /// <summary>
    /// Copies with the same (edge.log, edge.offset) are reported but do not fail: the scenario took librdkafka's mock
    /// cluster down, and the mock appends an idempotent producer's retried batch again (it checks sequence numbers only
    /// for transactional producers) where a real broker refuses it as a duplicate sequence.
    /// </summary>
    public bool ToleratesProducerRetries { get; init; }

    /// <summary>Of <see cref="IdentityDuplicates"/>, copies logged by another gateway than the earlier copies (another edge.log).</summary>
    public long CrossGateway { get; init; }

    /// <summary>A site with two gateways: <see cref="CrossGateway"/> copies are reported, not failed (a consumer dedupes them by (device, bid, seq)).</summary>
    public bool ToleratesCrossGatewayCopies { get; init; }

    /// <summary>The copies that fail an ExactlyOnce report.</summary>
    public long FailingCopies => (ToleratesProducerRetries ? IdentityDuplicates - ResentByGateway : IdentityDuplicates) - (ToleratesCrossGatewayCopies ? CrossGateway : 0);

    public bool Passed => Lost == 0 && Reordered == 0 && (!ExactlyOnce || FailingCopies == 0);

    public string SummaryLine(string scenario)
        => $"scenario {scenario}: sent {Sent}, delivered {Delivered}, duplicates {Duplicates}, lost {Lost}, reordered {Reordered}";
}
