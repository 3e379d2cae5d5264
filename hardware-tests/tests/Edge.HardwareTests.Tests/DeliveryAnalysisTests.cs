using Edge.HardwareTests.Fleet;
using Edge.HardwareTests.Kafka;

namespace Edge.HardwareTests.Tests;

public sealed class DeliveryAnalysisTests
{
    private static TelemetryObservation Pack(string device, uint bid, uint seq, params long[] values) => new(device, bid, seq, values);

    private static DeviceLedger Ledger(string device, long recorded, params long[] promised)
    {
        var ledger = new DeviceLedger(device, DeviceKind.Meadow);
        for (var i = 0; i < recorded; i++)
        {
            ledger.OnRecorded();
        }

        foreach (var v in promised)
        {
            ledger.OnPromised(v);
        }

        return ledger;
    }

    [Fact]
    public void Analyze_EverythingOnce_NothingLostDuplicatedOrReordered()
    {
        var report = DeliveryAnalysis.Analyze([Pack("a", 1, 0, 0, 1), Pack("a", 1, 1, 2), Pack("b", 7, 0, 0)], [Ledger("a", 3, 0, 1, 2), Ledger("b", 1, 0)]);

        Assert.Equal((4L, 4L, 0L, 0L, 0L), (report.Sent, report.Delivered, report.Duplicates, report.Lost, report.Reordered));
        Assert.True(report.Passed);
        Assert.Equal("scenario x: sent 4, delivered 4, duplicates 0, lost 0, reordered 0", report.SummaryLine("x"));
    }

    [Fact]
    public void Analyze_SamePackTwice_DuplicatesCountedByDeviceBootAndSequence()
    {
        var report = DeliveryAnalysis.Analyze(
            [Pack("a", 1, 0, 0, 1), Pack("a", 1, 1, 2), Pack("a", 1, 0, 0, 1), Pack("b", 1, 0, 0)],
            [Ledger("a", 3, 0, 1, 2), Ledger("b", 1, 0)]);

        Assert.Equal(2, report.Duplicates); // the two readings of a's pack (1, 0), once more; b's (1, 0) is another device
        Assert.Equal(4, report.Delivered);
        Assert.True(report.Passed);
    }

    [Fact]
    public void Analyze_PromisedReadingMissing_CountedLost_UnpromisedMissingIsNot()
    {
        // Recorded 0..4; 0, 1, 3 promised; 3 never arrived (lost); 4 was never promised (a reboot ate it: not lost).
        var report = DeliveryAnalysis.Analyze([Pack("a", 1, 0, 0), Pack("a", 1, 1, 1), Pack("a", 1, 2, 2)], [Ledger("a", 5, 0, 1, 3)]);

        Assert.Equal((5L, 3L, 1L, 3L), (report.Sent, report.Delivered, report.Lost, report.Promised));
        Assert.False(report.Passed);
        Assert.Contains(report.Problems, p => p.Contains("e.g. 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_LowerSequenceAfterHigher_CountedReordered_PerBootOnly()
    {
        var report = DeliveryAnalysis.Analyze(
            [Pack("a", 1, 0, 0), Pack("a", 1, 2, 2), Pack("a", 1, 1, 1), Pack("a", 2, 0, 3), Pack("a", 1, 3, 4)],
            [Ledger("a", 5, 0, 1, 2, 3, 4)]);

        Assert.Equal(1, report.Reordered); // seq 1 after seq 2 in boot 1; boot 2 starting at 0 is not a reorder
        Assert.Equal(0, report.Lost);
        Assert.False(report.Passed);
    }

    [Fact]
    public void Analyze_ReSentDuplicateAfterNewerPack_IsDuplicateNotReorder()
    {
        var report = DeliveryAnalysis.Analyze([Pack("a", 1, 0, 0), Pack("a", 1, 1, 1), Pack("a", 1, 0, 0)], [Ledger("a", 2, 0, 1)]);

        Assert.Equal((1L, 0L), (report.Duplicates, report.Reordered));
    }

    [Fact]
    public void Analyze_WithoutLedgers_GapsInSequenceAreLost_CountedInPacks()
    {
        var report = DeliveryAnalysis.Analyze([Pack("a", 1, 5, 0, 1), Pack("a", 1, 6, 2), Pack("a", 1, 9, 5), Pack("a", 1, 6, 2), Pack("a", 2, 0, 6)], null);

        Assert.Equal((6L, 4L, 1L, 2L, 0L), (report.Sent, report.Delivered, report.Duplicates, report.Lost, report.Reordered));
    }

    [Fact]
    public void Analyze_OtherDevicesRecords_Ignored()
    {
        var report = DeliveryAnalysis.Analyze([Pack("a", 1, 0, 0), Pack("zz", 1, 3, 0)], null, new HashSet<string> { "a" });

        Assert.Equal((1L, 0L), (report.Sent, report.Lost));
    }
}
