using Edge.Gateway.Diagnostics;
using Edge.Gateway.Log;

namespace Edge.Gateway.Egress;

/// <summary>
/// Moves the log's checkpoint over what Kafka acknowledged: during an egress session every 200 ms, and once more when the
/// session ends, to the <see cref="DeliveryTracker.CommittedOffset"/> (the contiguous prefix Kafka reported persisted or
/// the egress skipped), never backwards. Its loop beats <see cref="Heartbeat"/> for the systemd watchdog.
/// </summary>
internal sealed class EgressCheckpoints
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly IDurableLog _log;
    private readonly TimeProvider _time;

    public EgressCheckpoints(IDurableLog log, TimeProvider time)
    {
        _log = log;
        _time = time;
        Heartbeat = new Heartbeat("checkpoint loop", time);
    }

    /// <summary>Beats while the loop that checkpoints acknowledged records is alive; parked between sessions.</summary>
    public Heartbeat Heartbeat { get; }

    /// <summary>Checkpoints every 200 ms until <paramref name="cancellationToken"/> is cancelled (the session ends).</summary>
    /// <exception cref="IOException">The checkpoint could not be written.</exception>
    public async Task RunAsync(DeliveryTracker tracker, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            Heartbeat.Beat(Interval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await CheckpointAsync(tracker);
                Heartbeat.Beat(Interval);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Heartbeat.Park(); // the pump's heartbeat covers the session's last checkpoint
        }
    }

    /// <summary>Writes the checkpoint at the tracker's committed offset if it is beyond the log's (fsynced).</summary>
    /// <exception cref="IOException">The checkpoint could not be written.</exception>
    public async Task CheckpointAsync(DeliveryTracker tracker)
    {
        var committed = tracker.CommittedOffset;
        if (committed > _log.CheckpointOffset)
        {
            await _log.CheckpointAsync(committed, CancellationToken.None);
        }
    }
}
