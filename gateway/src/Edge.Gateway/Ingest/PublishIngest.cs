using System.Buffers;
using System.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Ingest.Dedupe;
using Edge.Gateway.Ingest.InFlight;
using Edge.Gateway.Ingest.Routing;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Edge.Gateway.Security;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest;

/// <summary>
/// What happens to a device's PUBLISH between MQTTnet and the durable log: size, authorization and extension checks,
/// the dedupe check (<see cref="IngestDedupe"/>) and the start of the append; <see cref="AcknowledgementGate"/> then
/// holds the PUBACK/PUBREC until the record is fsynced.
/// </summary>
/// <remarks>
/// <para>One connection is not capped by fsync. MQTTnet.Server handles a connection's packets one at a time and queues
/// the PUBACK when <see cref="OnPublishAsync"/> returns, so awaiting the fsync here gave one connection 1 ÷ fsync
/// latency messages a second (16 in flight at 10 ms: 100/s). Now the append is started here and awaited in MQTTnet's
/// per-connection send loop right before the PUBACK is written (<see cref="PublishAcks"/>): the publishes received
/// meanwhile are appended and share the next group commit, and each acknowledgement still leaves only after its record
/// is fsynced, in packet order. Measured in docs/benchmarks.md, "One connection with publishes in flight".</para>
/// <para>Evaluated and not taken: reading ahead in the channel (<see cref="Framing.GuardedChannel"/>, which sees the raw
/// bytes first) and starting the appends of the complete PUBLISH frames it has buffered. That needs the packets decoded,
/// authorized and deduplicated before MQTTnet does it (no record may be logged for a publish authorization refuses): a
/// second copy of this path, and it only covers frames that arrived in one read. Waiting in the send loop covers every
/// publish MQTTnet reads while an fsync runs, with MQTTnet's own decoding and checks in front, unchanged.</para>
/// <para>Because this interceptor returns before the fsync, MQTTnet forwards the message to MQTT subscribers of its
/// topic (if any) and keeps a retained message before the record is durable; the device's acknowledgement waits. A
/// publish that no local client subscribed to skips MQTTnet's routing (<see cref="LocalSubscriptions"/>).</para>
/// Thread-safe: MQTTnet calls it from every connection's receive loop.
/// </remarks>
internal sealed class PublishIngest
{
    /// <summary>Session item: true when the session's current connection speaks MQTT 5.</summary>
    internal const string IsV5Key = "edge.v5";

    /// <summary>Session item: set when a publish was refused as too large, so that the DISCONNECT says so.</summary>
    internal const string TooLargeKey = "edge.too-large";

    // How long a publish that closes its connection waits for the acknowledgements of the publishes before it.
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(2);

    private readonly MqttOptions _mqtt;
    private readonly IDurableLog _log;
    private readonly AppendOutcomes _outcomes;
    private readonly PublishAuthorizer _authorizer;
    private readonly IBrokerExtension[] _extensions;
    private readonly IngestDedupe _dedupe;
    private readonly UnrecordedOffsets _unrecorded;
    private readonly LocalSubscriptions _subscriptions;

    /// <param name="unrecorded">The appends the dedupe has not recorded yet (its snapshot sees the log through <see cref="DedupeLogView"/>).</param>
    /// <param name="subscriptions">What local MQTT clients subscribed to: a logged publish none of them can receive skips MQTTnet's routing.</param>
    public PublishIngest(MqttOptions mqtt, IDurableLog log, AppendOutcomes outcomes, PublishAuthorizer authorizer, IBrokerExtension[] extensions, IngestDedupe dedupe, UnrecordedOffsets unrecorded, LocalSubscriptions subscriptions)
    {
        _subscriptions = subscriptions;
        _unrecorded = unrecorded;
        _mqtt = mqtt;
        _log = log;
        _outcomes = outcomes;
        _authorizer = authorizer;
        _extensions = extensions;
        _dedupe = dedupe;
    }

    /// <summary>MQTTnet's publish interceptor: checks the publish and starts its append (QoS 0: appends without waiting).</summary>
    public async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        if (e.ClientId.Length == 0)
        {
            // The gateway's own publish (a command to a device, Commands.CommandDelivery): not a device's message.
            return;
        }

        var message = e.ApplicationMessage;
        var qos = (int)message.QualityOfServiceLevel;
        var isV5 = e.SessionItems[IsV5Key] is true;
        var acks = qos > 0 ? PublishAcks.For(e.SessionItems) : null;
        var packetId = acks?.TakeCurrent() ?? 0;
        if (message.Payload.Length > _mqtt.MaxPayloadBytes)
        {
            RefuseTooLarge(e, message.Payload.Length);
            await BeforeCloseAsync(e, acks);
            return;
        }

        if (_authorizer.RefusePublish(e))
        {
            await BeforeCloseAsync(e, acks); // never reaches the log or Kafka
            return;
        }

        foreach (var extension in _extensions)
        {
            // A cmd-ack ends its command in the command store (fsynced) before this publish is appended and acknowledged.
            if (!await extension.OnAcceptedPublishAsync(e.ClientId, message.Topic, message.Payload, e.CancellationToken))
            {
                _outcomes.Refused();
                Refuse(e, isV5, MqttPubAckReasonCode.UnspecifiedError);
                await BeforeCloseAsync(e, acks);
                return;
            }
        }

        byte[] record;
        RecordIdentity identity;
        try
        {
            (record, identity) = Encode(e, qos);
        }
        catch (ArgumentException)
        {
            RefuseTooLarge(e, message.Payload.Length);
            await BeforeCloseAsync(e, acks);
            return;
        }

        if (acks is null)
        {
            AppendAtMostOnce(e, record, isV5);
            return;
        }

        await acks.WaitForRoomAsync(e.CancellationToken);
        var started = false;
        AppendResult? refused;
        try
        {
            (started, refused) = await StartAppendAsync(e, acks, packetId, record, identity, isV5);
        }
        finally
        {
            if (!started)
            {
                acks.ReleaseRoom(); // else the append's completion gives the place back
            }
        }

        if (refused is { } result)
        {
            await OnRefusedAsync(e, isV5, result.Status);
        }

        await BeforeCloseAsync(e, acks);
    }

    // Under the device's gate (with dedupe): the duplicate check and the start of the append. Started: its completion
    // is registered in `acks` (and gives the place back); Refused: the log's answer at once, nothing written.
    private async Task<(bool Started, AppendResult? Refused)> StartAppendAsync(InterceptingPublishEventArgs e, PublishAcks acks, ushort packetId, byte[] record, RecordIdentity identity, bool isV5)
    {
        var device = _dedupe.Enabled && identity.Any ? await EnterAsync(e.ClientId, identity, e.CancellationToken) : null;
        try
        {
            if (device is not null && device.IsDuplicate(identity))
            {
                _dedupe.CountDropped();
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.Success; // logged before: the device may forget it
                return (false, null);
            }

            var started = Stopwatch.GetTimestamp();
            var floor = device is null ? -1 : _unrecorded.Enter();
            ValueTask<AppendResult> append;
            try
            {
#pragma warning disable CA2012 // Consumed once: awaited below only if already completed (then replaced by its result), else by CompleteAsync.
                append = _log.AppendAsync(record, CancellationToken.None); // awaited before the acknowledgement, not here
#pragma warning restore CA2012
            }
            catch when (floor >= 0)
            {
                _unrecorded.Exit(floor);
                throw;
            }

            if (append.IsCompleted)
            {
                AppendResult done;
                try
                {
                    done = await append;
                }
                catch when (floor >= 0)
                {
                    _unrecorded.Exit(floor);
                    throw;
                }

                if (done.Status != AppendStatus.Appended)
                {
                    // Full, too large or disk full at once: nothing written, answered now.
                    if (floor >= 0)
                    {
                        _unrecorded.Exit(floor);
                    }

                    return (false, done);
                }

                // Durable already (the writer's fsync finished before this check, common on a fast disk): recorded
                // in the dedupe and acknowledged like any other append, else its resend would be logged again.
                append = new ValueTask<AppendResult>(done);
            }

            var message = e.ApplicationMessage;
            var completion = CompleteAsync(append, acks, device, identity, floor, e.ClientId, (int)message.QualityOfServiceLevel, message.Payload.Length, isV5, started);
            if (device is not null)
            {
                device.InFlight.Add(identity, completion); // before the gate opens: a resend elsewhere waits for it
            }

            acks.Add(packetId, completion);
            e.Response.ReasonCode = MqttPubAckReasonCode.Success;
            SkipRoutingIfUnreceived(e);
            return (true, null);
        }
        catch (Exception ex) when (AppendOutcomes.IsLogFailure(ex))
        {
            // The log could not make the message durable: never acknowledge it. The process exits non-zero so that
            // systemd restarts it and recovery cuts any torn tail; devices resend what was not acknowledged.
            _outcomes.Failed(ex);
            Refuse(e, isV5, MqttPubAckReasonCode.UnspecifiedError);
            return (false, null);
        }
        finally
        {
            device?.Gate.Release();
        }
    }

    // The device's gate, with no append of the same pack or QoS 2 packet id in flight: a resend (from a takeover
    // connection) waits for the first copy's fsync and then finds it recorded, instead of logging it twice.
    private async Task<DeviceDedupe> EnterAsync(string clientId, RecordIdentity identity, CancellationToken cancellationToken)
    {
        while (true)
        {
            var device = await _dedupe.EnterAsync(clientId, cancellationToken);
            if (device.InFlight.Find(identity) is not { } first)
            {
                return device;
            }

            device.Gate.Release();
            await first.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    // Runs to its end whether or not the acknowledgement is ever sent: the dedupe must know every durable record.
    private async Task<AckOutcome> CompleteAsync(ValueTask<AppendResult> append, PublishAcks acks, DeviceDedupe? device, RecordIdentity identity, long floor, string clientId, int qos, long bytes, bool isV5, long started)
    {
        AckOutcome outcome;
        try
        {
            var result = await append.ConfigureAwait(false);
            outcome = result.Status switch
            {
                AppendStatus.Appended => AckOutcome.Durable,
                AppendStatus.Full or AppendStatus.DiskFull => AckOutcome.Full,
                _ => AckOutcome.Failed,
            };
            if (outcome == AckOutcome.Durable)
            {
                _outcomes.Accepted(clientId, qos, bytes, started);
            }
            else if (outcome == AckOutcome.Full)
            {
                _outcomes.Full(result.Status, clientId, isV5, qos);
            }
            else
            {
                _outcomes.TooLarge(clientId, bytes);
            }
        }
        catch (Exception ex) when (AppendOutcomes.IsLogFailure(ex))
        {
            _outcomes.Failed(ex);
            outcome = AckOutcome.Failed;
        }
        finally
        {
            acks.ReleaseRoom();
        }

        if (device is not null)
        {
            await device.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (outcome == AckOutcome.Durable)
                {
                    device.Record(identity); // durable now
                    _dedupe.Changed();
                }

                device.InFlight.Remove(identity);
                _unrecorded.Exit(floor); // after the record: a snapshot from now on may cover its offset
            }
            finally
            {
                device.Gate.Release();
            }
        }

        return outcome;
    }

    private async Task OnRefusedAsync(InterceptingPublishEventArgs e, bool isV5, AppendStatus status)
    {
        var message = e.ApplicationMessage;
        switch (status)
        {
            case AppendStatus.Appended:
                _outcomes.Accepted(e.ClientId, (int)message.QualityOfServiceLevel, message.Payload.Length, 0);
                e.Response.ReasonCode = MqttPubAckReasonCode.Success;
                break;
            case AppendStatus.Full or AppendStatus.DiskFull:
                // Log at Storage:MaxBytes, or its file system full (ENOSPC): the same backpressure, nothing written.
                // The process keeps running: Kafka egress and checkpoints free space, and publishes resume.
                _outcomes.Full(status, e.ClientId, isV5, (int)message.QualityOfServiceLevel);
                if (!isV5 && _mqtt.FullRetryDelayMilliseconds > 0)
                {
                    // Hold the 3.1.1 client a moment: it will reconnect and resend, and should not spin.
                    await Task.Delay(_mqtt.FullRetryDelayMilliseconds, e.CancellationToken);
                }

                Refuse(e, isV5, MqttPubAckReasonCode.QuotaExceeded);
                break;
            default:
                RefuseTooLarge(e, message.Payload.Length);
                break;
        }
    }

    private void AppendAtMostOnce(InterceptingPublishEventArgs e, byte[] record, bool isV5)
    {
        AppendResult result;
        try
        {
            result = _log.Append(record);
        }
        catch (Exception ex) when (AppendOutcomes.IsLogFailure(ex))
        {
            _outcomes.Failed(ex);
            Refuse(e, isV5, MqttPubAckReasonCode.UnspecifiedError);
            return;
        }

        if (result.Status == AppendStatus.Appended)
        {
            _outcomes.Accepted(e.ClientId, 0, e.ApplicationMessage.Payload.Length, 0);
            SkipRoutingIfUnreceived(e);
        }
        else if (result.Status is AppendStatus.Full or AppendStatus.DiskFull)
        {
            _outcomes.Full(result.Status, e.ClientId, isV5, 0);
            Refuse(e, isV5, MqttPubAckReasonCode.QuotaExceeded);
        }
        else
        {
            RefuseTooLarge(e, e.ApplicationMessage.Payload.Length);
        }
    }

    // A logged publish no local MQTT client can receive: MQTTnet need not check every subscriber session for it
    // (LocalSubscriptions). A retained one still goes through: MQTTnet keeps it for later subscribers. The PUBACK is the
    // same (Success; MQTTnet would have said 0x10 "no matching subscribers", which OnInterceptingOutboundPacketAsync
    // turns into Success).
    private void SkipRoutingIfUnreceived(InterceptingPublishEventArgs e)
    {
        if (!e.ApplicationMessage.Retain && !_subscriptions.AnyMatch(e.ApplicationMessage.Topic))
        {
            e.ProcessPublish = false;
        }
    }

    /// <summary>The record for a message and the identity it carries (<see cref="MessageIdentity"/>).</summary>
    private static (byte[] Record, RecordIdentity Identity) Encode(InterceptingPublishEventArgs e, int qos)
    {
        var message = e.ApplicationMessage;
        var payload = message.Payload.IsSingleSegment ? message.Payload.FirstSpan : message.Payload.ToArray();
        var identity = MessageIdentity.Of(e.ClientId, message.Topic, qos, payload, qos == 2 ? Qos2PacketIdSlot.Take(e.SessionItems) : (ushort)0);
        return (IngestRecord.Encode(e.ClientId, message.Topic, qos, message.Retain, payload, identity), identity);
    }

    // A publish that closes its connection: the acknowledgements of the publishes before it go out first (they wait
    // for their fsyncs in the send loop, which stops when the connection closes).
    private static async Task BeforeCloseAsync(InterceptingPublishEventArgs e, PublishAcks? acks)
    {
        if (!e.CloseConnection || acks is null)
        {
            return;
        }

        try
        {
            await acks.WhenAllTakenAsync().WaitAsync(DrainLimit, e.CancellationToken);
            await acks.Latest.WaitAsync(DrainLimit, e.CancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Close anyway: what was not acknowledged is resent by the device.
        }
    }

    private static void Refuse(InterceptingPublishEventArgs e, bool isV5, MqttPubAckReasonCode reason)
    {
        e.ProcessPublish = false;
        e.Response.ReasonCode = reason;
        if (!isV5 && e.ApplicationMessage.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce)
        {
            // MQTT 3.1.1 PUBACK cannot carry a failure: any PUBACK would tell the device the message is safe.
            // Close the connection instead; the device resends on reconnect [MQTT-4.4.0-1].
            e.CloseConnection = true;
        }
    }

    private void RefuseTooLarge(InterceptingPublishEventArgs e, long bytes)
    {
        _outcomes.TooLarge(e.ClientId, bytes);
        e.ProcessPublish = false;
        e.CloseConnection = true;
        e.SessionItems[TooLargeKey] = true;
    }
}
