using Edge.Device.Meadow.Queue;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow.Session;

/// <summary>
/// Drains the queue in order: publishes the oldest pack at QoS 1, waits for its PUBACK, trims it, repeats.
/// One pack in flight keeps per-device order simple and exact; after a drop or reconnect the same pack is
/// sent again (a duplicate with the same boot id and sequence number, never a gap).
/// </summary>
/// <remarks>
/// A pack the broker refuses (PUBACK with a failure reason) is retried after a backoff that doubles from
/// <see cref="EdgeDeviceOptions.ReconnectMinDelay"/> to <see cref="EdgeDeviceOptions.ReconnectMaxDelay"/> and resets
/// after the next accepted pack, so a gateway with a full disk (0x97) is not hammered and the device resumes when it
/// has room. A refusal that cannot change (not authorized, topic or payload invalid) would block every later pack
/// forever: after <see cref="EdgeDeviceOptions.MaxPermanentRefusals"/> such refusals in a row the pack is removed from
/// the queue, counted (<see cref="EdgeDeviceStats.RejectedReadings"/>) and logged as an error. Every refusal is
/// counted (<see cref="EdgeDeviceStats.RefusedPublishes"/>) and its reason kept (<see cref="EdgeDeviceStats.LastRefusal"/>).
/// </remarks>
internal sealed class PackSender(DurableQueue queue, IMqttSession session, EdgeDeviceOptions options, ILogger logger)
{
    private readonly string _topic = EdgeTopics.Telemetry(options.DeviceId);
    private long _sentMessages;
    private long _refusedPublishes;
    private string? _lastRefusal;

    public long SentMessages => Interlocked.Read(ref _sentMessages);

    public long RefusedPublishes => Interlocked.Read(ref _refusedPublishes);

    public string? LastRefusal => Volatile.Read(ref _lastRefusal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var refusals = 0; // of the current head pack, in a row
        var permanentRefusals = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await queue.WaitForPackAsync(cancellationToken);
                await session.WaitConnectedAsync(cancellationToken);
                var pack = queue.PeekOldest();
                var payload = pack is null ? null : queue.ReadPayload(pack);
                if (pack is null || payload is null)
                {
                    refusals = permanentRefusals = 0;
                    continue; // dropped or trimmed meanwhile
                }

                var (accepted, permanent, reason) = await session.PublishAsync(_topic, payload, retain: false, cancellationToken);
                if (accepted)
                {
                    queue.Acknowledge(pack.Id);
                    Interlocked.Increment(ref _sentMessages);
                    refusals = permanentRefusals = 0;
                    continue;
                }

                Interlocked.Increment(ref _refusedPublishes);
                Volatile.Write(ref _lastRefusal, reason);
                refusals++;
                permanentRefusals = permanent ? permanentRefusals + 1 : 0;
                if (permanent && options.MaxPermanentRefusals > 0 && permanentRefusals >= options.MaxPermanentRefusals)
                {
                    queue.Reject(pack.Id);
                    Log.PackRejected(logger, pack.Id, pack.Readings, permanentRefusals, reason);
                    refusals = permanentRefusals = 0;
                    continue;
                }

                var delay = RetryDelay(refusals);
                Log.PublishRefused(logger, pack.Id, reason, refusals, delay);
                await Task.Delay(delay, options.TimeProvider, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the connection dropped mid-publish: the supervisor reconnects, the pack is resent
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.PublishFailed(logger, -1, e.GetType().Name + ": " + e.Message);
                try
                {
                    // Real time on purpose: a short pause so a half-dead connection cannot spin this loop.
                    await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>ReconnectMinDelay doubled per refusal in a row, at most ReconnectMaxDelay.</summary>
    private TimeSpan RetryDelay(int refusals)
    {
        var ticks = options.ReconnectMinDelay.Ticks;
        for (var i = 1; i < refusals && ticks < options.ReconnectMaxDelay.Ticks; i++)
        {
            ticks *= 2;
        }

        return TimeSpan.FromTicks(Math.Min(ticks, options.ReconnectMaxDelay.Ticks));
    }
}
