namespace Edge.Device.Meadow.Session;

/// <summary>
/// Publishes the device's small control messages (command acks, desired-state reports) at QoS 1 through whichever
/// session is current, retrying across reconnects while the device runs: up to 10 attempts, each waiting for a
/// connection first. A reboot loses a message not yet acknowledged (an ack is sent again when the command is resent;
/// a report when the retained desired state arrives again).
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class ControlPublisher(MqttSessionAccessor session)
{
    private const int Attempts = 10;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>True once the broker acknowledged the message; false after the attempts or when cancelled.</summary>
    public async Task<bool> PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts && !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await session.Current.WaitConnectedAsync(cancellationToken);
                var (accepted, _, _) = await session.Current.PublishAsync(topic, payload, retain: false, cancellationToken);
                if (accepted)
                {
                    return true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
#pragma warning disable CA1031 // connection dropped mid-publish: wait for the supervisor to reconnect
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            try
            {
                await Task.Delay(RetryDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }
}
