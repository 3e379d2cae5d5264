using Edge.HardwareTests.Fleet;

namespace Edge.HardwareTests.Kafka;

/// <summary>
/// Compares what Kafka holds with what the devices were promised. Per device, in Kafka order:
/// the first copy of a pack (device, boot id, seq) delivers its readings, later copies are duplicates;
/// a first copy whose seq is below an earlier seq of the same boot is reordered; a promised reading that
/// never arrived is lost. Without ledgers (real boards), a missing seq between a boot's lowest and highest is lost.
/// With <c>exactlyOnce</c> (the gateway's <c>Kafka:Delivery=ExactlyOnce</c>, issue 16) a pack in Kafka twice by
/// (device, bid, seq) fails the report, and the problems say where the copies came from: the gateway's egress re-sending
/// one log record (same edge.log/edge.offset) or the ingest logging a device's resend again (different offsets).
/// </summary>
internal static class DeliveryAnalysis
{
    /// <param name="observations">Telemetry records in Kafka order (per device order is what matters).</param>
    /// <param name="ledgers">What each device recorded and was promised; null for Kafka-only mode.</param>
    /// <param name="devices">Devices to judge; records of other devices are ignored. Null = every device seen.</param>
    /// <param name="exactlyOnce">Whether a pack seen twice by (device, bid, seq) fails the report.</param>
    /// <param name="toleratesProducerRetries">Copies of one log record (same edge.log/edge.offset) are reported, not failed:
    /// see <see cref="DeliveryReport.ToleratesProducerRetries"/>. Copies the ingest logged twice still fail.</param>
    /// <param name="toleratesCrossGatewayCopies">A site with two gateways: a copy another gateway logged (another edge.log) is
    /// reported in <see cref="DeliveryReport.CrossGateway"/>, not failed (each gateway's exactly once is its own; a device
    /// that failed over resends what the first one may have logged). Order is then judged per gateway log: a pack the first
    /// gateway logged before its power cut reaches Kafka when it is back, after later packs the other one delivered; a
    /// consumer that needs device order sorts by (bid, seq). Copies and reorders within one gateway's log still fail.</param>
    public static DeliveryReport Analyze(IEnumerable<TelemetryObservation> observations, IEnumerable<DeviceLedger>? ledgers, IReadOnlySet<string>? devices = null, bool exactlyOnce = false, bool toleratesProducerRetries = false, bool toleratesCrossGatewayCopies = false)
    {
        var byDevice = observations.Where(o => devices is null || devices.Contains(o.DeviceId)).GroupBy(o => o.DeviceId).ToDictionary(g => g.Key, g => g.ToList());
        var report = ledgers is null ? AnalyzeGaps(byDevice) : AnalyzeLedgers(byDevice, ledgers, orderPerLog: toleratesCrossGatewayCopies);
        var (copies, resent) = IdentityCopies(byDevice);
        var crossGateway = CrossGatewayCopies(byDevice);
        var problems = report.Problems;
        var failing = (toleratesProducerRetries ? copies - resent : copies) - (toleratesCrossGatewayCopies ? crossGateway : 0);
        if (exactlyOnce && failing > 0)
        {
            problems = [$"{copies} packs in Kafka more than once by (device, bid, seq) with Kafka:Delivery=ExactlyOnce: {resent} re-sent by the gateway's egress (same edge.log/edge.offset), {copies - resent} logged twice by the ingest (different offsets)", .. problems];
        }

        return report with
        {
            IdentityDuplicates = copies, ResentByGateway = resent, CrossGateway = crossGateway, ExactlyOnce = exactlyOnce,
            ToleratesProducerRetries = toleratesProducerRetries, ToleratesCrossGatewayCopies = toleratesCrossGatewayCopies, Problems = problems,
        };
    }

    /// <summary>Copies of a (device, bid, seq) whose log (edge.log) differs from every earlier copy's: logged by another gateway.</summary>
    private static long CrossGatewayCopies(Dictionary<string, List<TelemetryObservation>> byDevice)
    {
        long cross = 0;
        foreach (var (_, observed) in byDevice)
        {
            var logs = new Dictionary<(uint, uint), HashSet<string>>();
            foreach (var o in observed)
            {
                var log = o.LogPosition?.Split('/')[0] ?? string.Empty;
                if (logs.TryGetValue((o.BootId, o.Sequence), out var seen))
                {
                    cross += seen.Add(log) ? 1 : 0;
                }
                else
                {
                    logs[(o.BootId, o.Sequence)] = [log];
                }
            }
        }

        return cross;
    }

    /// <summary>Copies after the first of each (device, bid, seq), and how many of them repeat the first copy's log position.</summary>
    private static (long Copies, long Resent) IdentityCopies(Dictionary<string, List<TelemetryObservation>> byDevice)
    {
        long copies = 0, resent = 0;
        foreach (var (_, observed) in byDevice)
        {
            var first = new Dictionary<(uint, uint), string?>();
            foreach (var o in observed)
            {
                if (first.TryGetValue((o.BootId, o.Sequence), out var position))
                {
                    copies++;
                    resent += position is not null && position == o.LogPosition ? 1 : 0;
                }
                else
                {
                    first[(o.BootId, o.Sequence)] = o.LogPosition;
                }
            }
        }

        return (copies, resent);
    }

    private static DeliveryReport AnalyzeLedgers(Dictionary<string, List<TelemetryObservation>> byDevice, IEnumerable<DeviceLedger> ledgers, bool orderPerLog)
    {
        long sent = 0, delivered = 0, duplicates = 0, lost = 0, reordered = 0, promised = 0;
        var problems = new List<string>();
        foreach (var ledger in ledgers)
        {
            var observed = byDevice.GetValueOrDefault(ledger.DeviceId) ?? [];
            var (values, dups, reorders) = Walk(observed, ledger.DeviceId, problems, packs: false, orderPerLog);
            var owed = ledger.Promised();
            var missing = owed.Where(v => !values.Contains(v)).Order().ToList();
            if (missing.Count > 0)
            {
                problems.Add($"{ledger.DeviceId} ({ledger.Kind}): {missing.Count} promised readings missing, e.g. {string.Join(", ", missing.Take(5))}");
            }

            sent += ledger.Recorded;
            promised += owed.Count;
            delivered += values.Count;
            duplicates += dups;
            reordered += reorders;
            lost += missing.Count;
        }

        return new DeliveryReport(sent, delivered, duplicates, lost, reordered, problems) { Promised = promised };
    }

    private static DeliveryReport AnalyzeGaps(Dictionary<string, List<TelemetryObservation>> byDevice)
    {
        long sent = 0, delivered = 0, duplicates = 0, lost = 0, reordered = 0;
        var problems = new List<string>();
        foreach (var (device, observed) in byDevice)
        {
            var (_, dups, reorders) = Walk(observed, device, problems, packs: true);
            duplicates += dups;
            reordered += reorders;
            foreach (var boot in observed.GroupBy(o => o.BootId))
            {
                var seqs = boot.Select(o => o.Sequence).ToHashSet();
                var expected = (long)seqs.Max() - seqs.Min() + 1;
                sent += expected;
                delivered += seqs.Count;
                lost += expected - seqs.Count;
                if (expected != seqs.Count)
                {
                    problems.Add($"{device} boot {boot.Key}: {expected - seqs.Count} packs missing between seq {seqs.Min()} and {seqs.Max()}");
                }
            }
        }

        // Kafka-only: duplicates counted in packs, like everything else in this mode.
        return new DeliveryReport(sent, delivered, duplicates, lost, reordered, problems);
    }

    /// <summary>Delivered reading values, duplicate readings and reordered readings of one device.</summary>
    private static (HashSet<long> Values, long Duplicates, long Reordered) Walk(List<TelemetryObservation> observed, string device, List<string> problems, bool packs, bool orderPerLog = false)
    {
        var seen = new HashSet<(uint, uint)>();
        var highest = new Dictionary<(uint, string), uint>(); // per boot, and per gateway log with orderPerLog
        var values = new HashSet<long>();
        long duplicates = 0, reordered = 0;
        foreach (var o in observed)
        {
            if (!seen.Add((o.BootId, o.Sequence)))
            {
                duplicates += packs ? 1 : Math.Max(o.Values.Count, 1);
                continue;
            }

            var order = (o.BootId, orderPerLog ? o.LogPosition?.Split('/')[0] ?? string.Empty : string.Empty);
            if (highest.TryGetValue(order, out var top) && o.Sequence < top)
            {
                reordered += packs ? 1 : Math.Max(o.Values.Count, 1);
                if (reordered <= 3)
                {
                    problems.Add($"{device} boot {o.BootId}: seq {o.Sequence} arrived after seq {top}");
                }
            }
            else
            {
                highest[order] = o.Sequence;
            }

            foreach (var v in o.Values)
            {
                if (!values.Add(v) && !packs)
                {
                    duplicates++; // the same reading under a second identity: not recognisable by (bid, seq)
                    problems.Add($"{device}: reading {v} arrived in two different packs (second: boot {o.BootId} seq {o.Sequence})");
                }
            }
        }

        return (values, duplicates, reordered);
    }
}
