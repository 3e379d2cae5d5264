using Edge.Device.Meadow.Queue;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow.Session;

/// <summary>
/// Drains the queue in order: publishes the oldest pack at QoS 1, waits for its PUBACK, trims it, repeats.
/// One pack in flight keeps per-device order simple and exact; after a drop or reconnect the same pack is
/// sent again (a duplicate with the same boot id and sequence number, never a gap).
/// </summary>
internal sealed class PackSender(DurableQueue queue, IMqttSession session, string deviceId, TimeProvider time, ILogger logger)
{
    private readonly string _topic = EdgeTopics.Telemetry(deviceId);
    private long _sentMessages;

    public long SentMessages => Interlocked.Read(ref _sentMessages);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
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
                    continue; // dropped or trimmed meanwhile
                }

                var (accepted, reason) = await session.PublishAsync(_topic, payload, retain: false, cancellationToken);
                if (accepted)
                {
                    queue.Acknowledge(pack.Id);
                    Interlocked.Increment(ref _sentMessages);
                }
                else
                {
                    // The broker refused it (e.g. the gateway's quota 0x97 while its disk is full): keep it, back off.
                    Log.PublishFailed(logger, pack.Id, reason);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
                }
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
}
