using Edge.Gateway.Hosting;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest.InFlight;

/// <summary>
/// Holds each PUBACK (QoS 1) and PUBREC (QoS 2) in MQTTnet's send loop until its publish's record is fsynced
/// (<see cref="PublishAcks"/>), and turns it into a refusal when the record could not be made durable: MQTT 5 gets
/// 0x97 quota exceeded or 0x80 unspecified error; MQTT 3.1.1, whose acknowledgement cannot carry a failure, gets
/// nothing, neither for this publish nor for any later one on the connection, and the connection closes (the device
/// resends on reconnect [MQTT-4.4.0-1]). Thread-safe.
/// </summary>
internal sealed class AcknowledgementGate
{
    private readonly MqttOptions _mqtt;
    private readonly Func<string, Task> _disconnect;

    /// <param name="mqtt">Mqtt:FullRetryDelayMilliseconds holds a 3.1.1 client refused for a full log before it is closed.</param>
    /// <param name="disconnect">Closes the connection of a client id.</param>
    public AcknowledgementGate(MqttOptions mqtt, Func<string, Task> disconnect)
    {
        _mqtt = mqtt;
        _disconnect = disconnect;
    }

    /// <summary>MQTTnet's outbound packet interceptor for a PUBACK or PUBREC with <paramref name="packetId"/>.</summary>
    /// <exception cref="OperationCanceledException">The connection closed while the record's fsync ran: nothing is sent.</exception>
    public async Task BeforeSendAsync(InterceptingPacketEventArgs e, ushort packetId)
    {
        if (PublishAcks.Find(e.SessionItems) is not { } acks)
        {
            return; // nothing of this session was appended
        }

        var (completion, own) = acks.Take(packetId);
        var outcome = await completion.WaitAsync(e.CancellationToken);
        if (acks.Closed)
        {
            e.ProcessPacket = false; // a 3.1.1 acknowledgement before this one was withheld: none after it either
            return;
        }

        if (outcome == AckOutcome.Durable || (!own && !ClaimsSuccess(e.Packet)))
        {
            return; // durable, or a refusal MQTTnet already carries (its publish was not appended)
        }

        if (e.SessionItems[PublishIngest.IsV5Key] is true)
        {
            var quota = outcome == AckOutcome.Full;
            if (e.Packet is MqttPubAckPacket pubAck)
            {
                pubAck.ReasonCode = quota ? MqttPubAckReasonCode.QuotaExceeded : MqttPubAckReasonCode.UnspecifiedError;
            }
            else if (e.Packet is MqttPubRecPacket pubRec)
            {
                pubRec.ReasonCode = quota ? MqttPubRecReasonCode.QuotaExceeded : MqttPubRecReasonCode.UnspecifiedError;
            }

            return;
        }

        e.ProcessPacket = false;
        if (acks.MarkClosed())
        {
            _ = CloseAsync(e.ClientId, outcome);
        }
    }

    private async Task CloseAsync(string clientId, AckOutcome outcome)
    {
        try
        {
            if (outcome == AckOutcome.Full && _mqtt.FullRetryDelayMilliseconds > 0)
            {
                await Task.Delay(_mqtt.FullRetryDelayMilliseconds); // as for a refusal at once: the client should not spin
            }

            await _disconnect(clientId);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or OperationCanceledException or IOException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The connection is gone already.
        }
    }

    private static bool ClaimsSuccess(MqttPacket packet) => packet switch
    {
        MqttPubAckPacket a => a.ReasonCode is MqttPubAckReasonCode.Success or MqttPubAckReasonCode.NoMatchingSubscribers,
        MqttPubRecPacket r => r.ReasonCode is MqttPubRecReasonCode.Success or MqttPubRecReasonCode.NoMatchingSubscribers,
        _ => false,
    };
}
