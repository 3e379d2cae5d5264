using Edge.Testing.PowerLoss;

namespace Edge.Gateway.Log.Tests;

/// <summary>
/// The follow-up wait (<see cref="DurableLogOptions.FollowUpWindow"/>): appenders that each append again as soon as
/// their last record is durable (one connection with 16 publishes in flight, whose PUBACKs bring the next publishes one
/// round trip later) share one commit per round instead of alternating between two batches. On crashfs with a 20 ms
/// fsync, an SD card's. Counts commits, times nothing: without the wait the writer comes back to the first returning
/// appender alone and commits it by itself, and the others wait for the next fsync (about two commits per round).
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class FollowUpCommitTests
{
    private const int Appenders = 16;
    private const int Rounds = 24;

    [Fact]
    public async Task AppendAsync_SixteenClosedLoopAppendersOnASlowFsync_ShareAboutOneCommitPerRound()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(20) });
        await using IDurableLog log = DurableLog.Open(new DurableLogOptions
        {
            Directory = Path.Combine(fs.Path, "data"),
            FollowUpWindow = DurableLogOptions.MaxCommitWindow, // bounded by a third of the 20 ms commit: ~6.7 ms
        });
        await log.AppendAsync(TestLog.Payload(0, 64)); // the first commit makes the segment's name durable: not counted
        LogStats before = log.GetStats();

        await Task.WhenAll(Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            for (int round = 0; round < Rounds; round++)
            {
                Assert.Equal(AppendStatus.Appended, (await log.AppendAsync(TestLog.Payload(a * 1000 + round, 64))).Status);
                await Task.Delay(1); // the PUBACK's round trip to the device and its next publish
            }
        }, TestContext.Current.CancellationToken)));

        LogStats after = log.GetStats();
        long commits = after.GroupCommits - before.GroupCommits;
        Assert.True(commits <= (Rounds * 3 / 2) + 2, $"{Appenders * Rounds} appends in {commits} commits ({Rounds} rounds; alternating batches take about {2 * Rounds}); follow-up waits {after.FollowUpWaits - before.FollowUpWaits}");
        Assert.Equal(Appenders * Rounds + 1, after.NextOffset);
    }

    [Fact]
    public async Task AppendAsync_OneAppenderAtATime_NeverWaitsForFollowers()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(5) });
        await using IDurableLog log = DurableLog.Open(new DurableLogOptions { Directory = Path.Combine(fs.Path, "data"), FollowUpWindow = TimeSpan.FromMilliseconds(20) });

        for (int i = 0; i < 20; i++)
        {
            await log.AppendAsync(TestLog.Payload(i, 64));
        }

        LogStats stats = log.GetStats();
        Assert.Equal(0, stats.FollowUpWaits); // a batch of one releases one appender: nothing to wait for
        Assert.Equal(20, stats.GroupCommits);
    }
}
