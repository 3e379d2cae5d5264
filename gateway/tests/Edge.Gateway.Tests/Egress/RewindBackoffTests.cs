using Edge.Gateway.Egress;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Egress;

/// <summary>The pause between egress sessions: grows while nothing moves, resets once Kafka acknowledged anything.</summary>
public sealed class RewindBackoffTests
{
    [Fact]
    public void AfterSession_NoProgress_DoublesUpTo30Seconds()
    {
        var backoff = new RewindBackoff(new FakeTimeProvider());

        var delays = Enumerable.Range(0, 10).Select(_ => backoff.AfterSession(100, 100).TotalMilliseconds).ToArray();

        Assert.Equal([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000], delays);
    }

    [Fact]
    public async Task AfterSession_ProgressAfterManyFailures_NextPauseIsTheInitialOne()
    {
        var time = new FakeTimeProvider();
        var backoff = new RewindBackoff(time);
        for (var i = 0; i < 9; i++)
        {
            backoff.AfterSession(100, 100); // nine sessions that failed at the same record
        }

        // The tenth session acknowledged records 100..149 before failing: a one-off error, not a wedge.
        var delay = backoff.AfterSession(100, 150);
        var wait = backoff.WaitAsync(delay, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(RewindBackoff.Initial, delay);
        Assert.Equal(TimeSpan.FromMilliseconds(400), backoff.AfterSession(150, 150)); // and grows again from there
    }

    [Fact]
    public void WaitAsync_StillFailingAfterMax_WaitsTheWholeMaxOnTheClock()
    {
        var time = new FakeTimeProvider();
        var backoff = new RewindBackoff(time);
        var delay = TimeSpan.Zero;
        for (var i = 0; i < 12; i++)
        {
            delay = backoff.AfterSession(7, 7);
        }

        var wait = backoff.WaitAsync(delay, TestContext.Current.CancellationToken);
        time.Advance(RewindBackoff.Max - TimeSpan.FromMilliseconds(1));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(wait.IsCompletedSuccessfully);
    }
}
