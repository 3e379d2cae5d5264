using Edge.HardwareTests.Kafka;

namespace Edge.HardwareTests.Tests;

/// <summary>Issue 16: with the gateway in ExactlyOnce, a pack twice in Kafka by (device, bid, seq) fails the scenario.</summary>
public sealed class ExactlyOnceAnalysisTests
{
    private static TelemetryObservation Pack(uint seq, string position) => new("a", 1, seq, [seq]) { LogPosition = position };

    [Fact]
    public void Analyze_ExactlyOnceWithACopy_FailsAndSaysWhichSideSentIt()
    {
        var observed = new[] { Pack(0, "L/0"), Pack(1, "L/1"), Pack(1, "L/1"), Pack(0, "L/5") };

        var report = DeliveryAnalysis.Analyze(observed, null, exactlyOnce: true);

        Assert.False(report.Passed);
        Assert.Equal(2, report.IdentityDuplicates);
        Assert.Equal(1, report.ResentByGateway);
        Assert.Contains("1 re-sent by the gateway's egress", report.Problems[0], StringComparison.Ordinal);
        Assert.True(DeliveryAnalysis.Analyze(observed, null, exactlyOnce: false).Passed); // AtLeastOnce: duplicates allowed
    }
}
