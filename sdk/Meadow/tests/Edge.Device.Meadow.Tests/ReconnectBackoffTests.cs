using Edge.Device.Meadow.Session;

namespace Edge.Device.Meadow.Tests;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void NextDelay_Attempts_CeilingDoublesUpToMaxAndDelayStaysUnderIt()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(7));
        var ceilings = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            var ceiling = backoff.Ceiling;
            ceilings.Add(ceiling.TotalSeconds);
            var delay = backoff.NextDelay();
            Assert.InRange(delay, TimeSpan.Zero, ceiling);
        }

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60], ceilings);
        backoff.Reset();
        Assert.Equal(TimeSpan.FromSeconds(1), backoff.Ceiling);
    }

    [Fact]
    public void NextDelay_ManyDraws_FullJitterSpreadsOverTheWholeRange()
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 2000).Select(_ =>
        {
            var b = new ReconnectBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), random);
            return b.NextDelay().TotalSeconds;
        }).ToArray();
        Assert.True(delays.Min() < 0.5, "full jitter reaches near zero");
        Assert.True(delays.Max() > 9.5, "full jitter reaches the ceiling");
        Assert.InRange(delays.Average(), 4.5, 5.5);
    }
}
