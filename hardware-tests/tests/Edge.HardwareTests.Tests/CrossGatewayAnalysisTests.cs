using Edge.HardwareTests.Fleet;
using Edge.HardwareTests.Kafka;

namespace Edge.HardwareTests.Tests;

/// <summary>Issue 17, two gateways at a site: a pack both gateways logged is counted and tolerated; a copy within one gateway's log still fails.</summary>
public sealed class CrossGatewayAnalysisTests
{
    private static TelemetryObservation Pack(uint seq, string position) => new("a", 1, seq, [seq]) { LogPosition = position };

    [Fact]
    public void Analyze_PackLoggedByBothGateways_CountedAsCrossGatewayAndPassesOnlyWhenTolerated()
    {
        var observed = new[] { Pack(0, "A/0"), Pack(1, "A/1"), Pack(1, "B/0"), Pack(2, "B/1") };

        var site = DeliveryAnalysis.Analyze(observed, null, exactlyOnce: true, toleratesCrossGatewayCopies: true);
        var oneGateway = DeliveryAnalysis.Analyze(observed, null, exactlyOnce: true);

        Assert.True(site.Passed);
        Assert.Equal(1, site.IdentityDuplicates);
        Assert.Equal(1, site.CrossGateway);
        Assert.False(oneGateway.Passed);
    }

    [Fact]
    public void Analyze_CopyWithinOneGatewaysLogOnATwoGatewaySite_StillFails()
    {
        var observed = new[] { Pack(0, "A/0"), Pack(1, "B/0"), Pack(1, "B/4") };

        var report = DeliveryAnalysis.Analyze(observed, null, exactlyOnce: true, toleratesCrossGatewayCopies: true);

        Assert.False(report.Passed);
        Assert.Equal(0, report.CrossGateway);
        Assert.Equal(1, report.FailingCopies);
    }

    [Fact]
    public void Analyze_PackOfTheFirstGatewayAfterLaterOnesOfTheSecond_OrderJudgedPerGatewayLog()
    {
        // Seq 1 was logged by A before its power cut and reached Kafka when A came back, after seq 2-3 through B.
        var observed = new[] { Pack(0, "A/0"), Pack(2, "B/0"), Pack(3, "B/1"), Pack(1, "A/1") };
        DeviceLedger[] ledgers = [new("a", DeviceKind.Meadow)];

        Assert.True(DeliveryAnalysis.Analyze(observed, ledgers, exactlyOnce: true, toleratesCrossGatewayCopies: true).Passed);
        Assert.Equal(1, DeliveryAnalysis.Analyze(observed, ledgers, exactlyOnce: true).Reordered);
        Assert.Equal(1, DeliveryAnalysis.Analyze([Pack(0, "A/0"), Pack(2, "A/1"), Pack(1, "A/2")], ledgers, exactlyOnce: true, toleratesCrossGatewayCopies: true).Reordered);
    }
}
