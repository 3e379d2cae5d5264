using Edge.Device.NanoFramework;

namespace Edge.HardwareTests.Fleet;

/// <summary>
/// A simulated ESP32: the nanoFramework SDK's host build (TelemetryRuntime over a TcpChannel) with the PUBACK tap.
/// Readings are pushed with <c>Report</c> and flushed at once, one pack per reading. The runtime's own sensor thread
/// is not started (the fleet drives readings), so each device costs one thread: the MQTT client's.
/// Its queue lives in RAM, as on the board: a reboot loses what the gateway had not acknowledged (never promised).
/// With several gateways each gets its own tap (the tap follows one connection) and the client fails over between them.
/// </summary>
internal sealed class NanoFrameworkDevice(string deviceId, Func<(string Host, int Port)[]> gateways) : ISimulatedDevice
{
    private readonly object _gate = new();
    private TelemetryRuntime? _runtime;
    private AckTapChannel[] _taps = [];
    private int _sensor;
    private long _previousConnects;

    public string DeviceId { get; } = deviceId;

    public DeviceKind Kind => DeviceKind.NanoFramework;

    public DeviceLedger Ledger { get; } = new(deviceId, DeviceKind.NanoFramework);

    public bool IsConnected => _runtime?.Client.IsConnected ?? false;

    public long Connects => _previousConnects + (_runtime?.Client.ConnectCount ?? 0);

    public bool IsDrained
    {
        get
        {
            var runtime = _runtime;
            return runtime is null || (runtime.PendingReadings == 0 && runtime.Client.QueuedMessages == 0);
        }
    }

    public Task StartAsync()
    {
        var taps = gateways().Select(g => new AckTapChannel(new TcpChannel(g.Host, g.Port), Ledger)).ToArray();
        var runtime = new TelemetryRuntime([.. taps], new TelemetryOptions
        {
            DeviceId = DeviceId,
            MaxMessageBytes = 256,
            FlushIntervalMilliseconds = 1_000,
            Mqtt = new MqttClientOptions
            {
                QueueBytes = 256 * 1024,
                KeepAliveSeconds = 10,
                ResponseTimeoutMilliseconds = 5_000,
                ReconnectBaseDelayMilliseconds = 250,
                ReconnectMaxDelayMilliseconds = 3_000,
            },
        });
        var sensor = runtime.AddSensor("n", null, null, 0, 0);
        runtime.Client.Start();
        lock (_gate)
        {
            _taps = taps;
            _runtime = runtime;
            _sensor = sensor;
        }

        return Task.CompletedTask;
    }

    public void Record(long value)
    {
        lock (_gate)
        {
            if (_runtime is null)
            {
                return; // powered off
            }

            Ledger.OnRecorded();
            _runtime.Report(_sensor, value);
            _runtime.Flush();
        }
    }

    public Task FlushAsync()
    {
        lock (_gate)
        {
            _runtime?.Flush();
        }

        return Task.CompletedTask;
    }

    public async Task RebootAsync()
    {
        TelemetryRuntime? runtime;
        lock (_gate)
        {
            runtime = _runtime;
            Array.ForEach(_taps, t => t.Kill());
            _runtime = null;
        }

        if (runtime is not null)
        {
            _previousConnects += runtime.Client.ConnectCount;
            await Task.Run(runtime.Client.Stop);
        }

        await StartAsync();
    }

    public string Describe()
    {
        var r = _runtime;
        return r is null ? $"{DeviceId} (nF) off"
            : $"{DeviceId} (nF) bid {r.BootId} seq {r.NextSequence} queued {r.Client.QueuedMessages} acked {r.Client.AcknowledgedMessages} dropped {r.Client.DroppedMessages} resent {r.Client.ResentMessages} connects {Connects} connected {r.Client.IsConnected} gateway {r.Client.GatewayIndex}";
    }

    public async ValueTask DisposeAsync()
    {
        TelemetryRuntime? runtime;
        lock (_gate)
        {
            runtime = _runtime;
            _runtime = null;
        }

        if (runtime is not null)
        {
            await Task.Run(() => runtime.Stop(0));
        }
    }
}
