using Edge.Gateway.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Diagnostics;

/// <summary>
/// When the systemd watchdog may ping: the log writer's fsyncs complete (or nothing waits for one) and the egress
/// loops keep the beats they promised. The clock is fake; the log is a pair of offsets the test moves.
/// </summary>
public sealed class PipelineWatchTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _time = new();
    private long _next;
    private long _durable;
    private bool _failed;

    [Fact]
    public void FindStall_AppendsWaitAndNoFsyncCompletes_ReportsTheLogWriterOnlyAfterTheTolerance()
    {
        var watch = Watch();
        _next = 10; // ten QoS 1 publishes wait for their fsync, which never returns
        Assert.Null(watch.FindStall(Tolerance));

        _time.Advance(Tolerance);
        Assert.Null(watch.FindStall(Tolerance));
        _time.Advance(TimeSpan.FromSeconds(1));
        var stall = watch.FindStall(Tolerance);

        Assert.NotNull(stall);
        Assert.Contains("log writer: 10 appends waiting for fsync", stall, StringComparison.Ordinal);
    }

    [Fact]
    public void FindStall_FsyncsCompleteUnderSteadyLoad_NoStall()
    {
        var watch = Watch();
        for (var i = 0; i < 20; i++)
        {
            _next += 100;          // appends always waiting...
            _durable = _next - 50; // ...but every look sees the durable offset moved on
            _time.Advance(TimeSpan.FromSeconds(10));
            Assert.Null(watch.FindStall(Tolerance));
        }
    }

    [Fact]
    public void FindStall_NothingWaitsForHours_IdleIsNotAStall()
    {
        var watch = Watch();
        _next = _durable = 42;
        _time.Advance(TimeSpan.FromHours(3));
        Assert.Null(watch.FindStall(Tolerance));

        // The first append after the quiet hours gets the full tolerance, not "stuck since three hours".
        _next = 43;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(watch.FindStall(Tolerance));
    }

    [Fact]
    public void FindStall_StuckWriterResumes_StallClearsAtTheNextLook()
    {
        var watch = Watch();
        _next = 5;
        watch.FindStall(Tolerance);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.NotNull(watch.FindStall(Tolerance));

        _durable = 5; // the fsync returned
        Assert.Null(watch.FindStall(Tolerance));
    }

    [Fact]
    public void FindStall_WriterFailedWithIoError_NotAStall()
    {
        // The fsync returned EIO: the appends waiting for it failed. The writer is not hanging; the gateway's I/O-error
        // policy (drain egress, then exit 74) decides, and the watchdog must not cut that short.
        var watch = Watch();
        _next = 7;
        _failed = true;
        watch.FindStall(Tolerance);
        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(watch.FindStall(Tolerance));
    }

    [Fact]
    public void FindStall_LoopMissesItsPromisedBeat_ReportsTheLoopByName()
    {
        var pump = new Heartbeat("Kafka egress loop", _time);
        var watch = Watch(pump);
        pump.Beat(TimeSpan.FromMilliseconds(500)); // "back within 500 ms" — then hangs
        _time.Advance(TimeSpan.FromMilliseconds(500) + Tolerance);
        Assert.Null(watch.FindStall(Tolerance));

        _time.Advance(TimeSpan.FromSeconds(1));
        var stall = watch.FindStall(Tolerance);

        Assert.NotNull(stall);
        Assert.StartsWith("Kafka egress loop: no beat for", stall, StringComparison.Ordinal);
    }

    [Fact]
    public void FindStall_LoopWaitsAsLongAsItPromised_NoStall()
    {
        var pump = new Heartbeat("Kafka egress loop", _time);
        var watch = Watch(pump);
        pump.Beat(TimeSpan.FromSeconds(30)); // a 30 s rewind backoff, announced
        _time.Advance(TimeSpan.FromSeconds(44));

        Assert.Null(watch.FindStall(Tolerance));
    }

    [Fact]
    public void FindStall_ParkedLoop_NoStall()
    {
        var checkpoint = new Heartbeat("checkpoint loop", _time);
        var watch = Watch(checkpoint);
        checkpoint.Park();
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Null(watch.FindStall(Tolerance));
    }

    private PipelineWatch Watch(params Heartbeat[] loops) => new(() => (_next, _durable, _failed), loops, _time);
}
