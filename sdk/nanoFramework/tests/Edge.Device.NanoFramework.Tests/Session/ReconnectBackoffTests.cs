namespace Edge.Device.NanoFramework.Tests.Session;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void NextDelay_ManyAttempts_StaysWithinExponentialCeilingAndMax()
    {
        var backoff = new ReconnectBackoff(100, 5_000, new Random(42));

        for (var attempt = 0; attempt < 40; attempt++)
        {
            var ceiling = (int)Math.Min(5_000, 100 * Math.Pow(2, attempt));
            Assert.Equal(ceiling, backoff.CurrentCeiling);
            Assert.InRange(backoff.NextDelay(), 0, ceiling);
        }
    }

    [Fact]
    public void NextDelay_AtMaximum_IsSpreadOverWholeRange()
    {
        // Full jitter: delays are uniform in [0, ceiling], not clustered at the ceiling.
        var backoff = new ReconnectBackoff(1_000, 1_000, new Random(7));
        var delays = Enumerable.Range(0, 2_000).Select(_ => backoff.NextDelay()).ToArray();

        Assert.InRange(delays.Min(), 0, 100);
        Assert.InRange(delays.Max(), 900, 1_000);
        Assert.InRange(delays.Average(), 400, 600);
    }

    [Fact]
    public void Reset_AfterFailures_StartsFromBase()
    {
        var backoff = new ReconnectBackoff(100, 60_000, new Random(1));
        for (var i = 0; i < 10; i++)
        {
            backoff.NextDelay();
        }

        backoff.Reset();

        Assert.Equal(100, backoff.CurrentCeiling);
        Assert.Equal(0, backoff.Attempt);
    }
}
