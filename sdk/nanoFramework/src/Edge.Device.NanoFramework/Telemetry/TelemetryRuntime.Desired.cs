using System;
using Edge.Protocol;
using Edge.Protocol.State;

namespace Edge.Device.NanoFramework;

/// <summary>Desired state from the gateway (retained on <c>desired</c>) and the report of the applied version.</summary>
public sealed partial class TelemetryRuntime
{
    private readonly byte[] _reportBuffer = new byte[16];
    private readonly string _desiredTopic;
    private readonly string _reportedTopic;
    private DesiredStateHandler? _desiredHandler;
    private bool _hasApplied;
    private ulong _appliedVersion;
    private long _desiredApplied;
    private long _desiredFailed;

    /// <summary>True once a desired state was applied in this boot (see <see cref="AppliedDesiredVersion"/>).</summary>
    public bool HasAppliedDesiredState
    {
        get
        {
            lock (_commandGate)
            {
                return _hasApplied;
            }
        }
    }

    /// <summary>The version of the desired state applied last in this boot; 0 before any.</summary>
    public ulong AppliedDesiredVersion
    {
        get
        {
            lock (_commandGate)
            {
                return _appliedVersion;
            }
        }
    }

    /// <summary>Desired-state versions the handler applied.</summary>
    public long DesiredStatesApplied => Read(ref _desiredApplied);

    /// <summary>Desired states the handler refused or threw on, or that could not be decoded.</summary>
    public long DesiredStatesFailed => Read(ref _desiredFailed);

    /// <summary>
    /// Sets the handler of the desired state (one per runtime; a later call replaces it). Register it before
    /// <see cref="Start"/>: the retained state arrives right after the first connect, and without a handler it is ignored.
    /// </summary>
    /// <exception cref="ArgumentNullException">The handler is null.</exception>
    public void OnDesiredState(DesiredStateHandler handler)
    {
        if (handler == null)
        {
            throw new ArgumentNullException(nameof(handler));
        }

        lock (_commandGate)
        {
            _desiredHandler = handler;
        }
    }

    private void OnDesiredMessage(MqttClient sender, byte[] payload, int offset, int count)
    {
        DesiredStateHandler? handler;
        bool known;
        lock (_commandGate)
        {
            handler = _desiredHandler;
        }

        if (handler == null)
        {
            return;
        }

        EdgeState state;
        try
        {
            state = EdgeStateCodec.Decode(payload, offset, count);
        }
        catch (EdgeFormatException)
        {
            Count(ref _desiredFailed);
            return;
        }

        lock (_commandGate)
        {
            known = _hasApplied && _appliedVersion == state.Version;
        }

        if (!known && !Apply(handler, state))
        {
            Count(ref _desiredFailed);
            return;
        }

        lock (_commandGate)
        {
            _hasApplied = true;
            _appliedVersion = state.Version;
            var n = EdgeStateCodec.Encode(_reportBuffer, 0, _reportBuffer.Length, state.Version, null, 0, 0);
            sender.Publish(_reportedTopic, _reportBuffer, 0, n, MqttQos.AtLeastOnce);
        }

        if (!known)
        {
            Count(ref _desiredApplied);
        }
    }

    private static bool Apply(DesiredStateHandler handler, EdgeState state)
    {
#pragma warning disable CA1031 // A failing handler leaves the applied version unchanged; the cloud sees the drift.
        try
        {
            return handler(state);
        }
        catch (Exception)
        {
            return false;
        }
#pragma warning restore CA1031
    }

    private void Count(ref long counter)
    {
        lock (_gate)
        {
            counter++;
        }
    }
}
