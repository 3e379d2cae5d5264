using System.Diagnostics;

namespace Edge.HardwareTests.Fleet;

/// <summary>
/// N simulated devices in this process, each running a real device SDK, driven by one timer loop that hands each
/// device its next reading when due (a random phase per device, so readings do not arrive in lockstep).
/// </summary>
internal sealed class SimulatedFleet : IAsyncDisposable
{
    private readonly FleetOptions _options;
    private readonly long[] _nextValue;
    private readonly TimeSpan[] _intervals;
    private readonly string _queueRoot;
    private CancellationTokenSource? _recording;
    private Task _driver = Task.CompletedTask;

    /// <param name="options">Size and mix.</param>
    /// <param name="endpointOf">Where device i connects (host, port): a proxy route, or the gateway itself.</param>
    public SimulatedFleet(FleetOptions options, Func<string, (string Host, int Port)> endpointOf)
        : this(options, id => [endpointOf(id)])
    {
    }

    /// <param name="options">Size and mix.</param>
    /// <param name="gatewaysOf">The gateways device i is given, in the order to try (a site with two gateways: both SDKs' fail-over).</param>
    public SimulatedFleet(FleetOptions options, Func<string, (string Host, int Port)[]> gatewaysOf)
    {
        _options = options;
        _queueRoot = Directory.CreateTempSubdirectory("edge-fleet-").FullName;
        var devices = new List<ISimulatedDevice>(options.Devices);
        for (var i = 0; i < options.Devices; i++)
        {
            var id = $"{options.IdPrefix}-{i:D4}";
            devices.Add(options.KindOf(i) == DeviceKind.NanoFramework
                ? new NanoFrameworkDevice(id, () => gatewaysOf(id))
                : new MeadowDevice(id, () => gatewaysOf(id), Path.Combine(_queueRoot, id)));
        }

        Devices = devices;
        _nextValue = new long[devices.Count];
        _intervals = Enumerable.Repeat(options.ReadingInterval, devices.Count).ToArray();
    }

    public IReadOnlyList<ISimulatedDevice> Devices { get; }

    public IEnumerable<DeviceLedger> Ledgers => Devices.Select(d => d.Ledger);

    /// <summary>Readings handed to the SDKs so far.</summary>
    public long Recorded => Devices.Sum(d => d.Ledger.Recorded);

    public int Connected => Devices.Count(d => d.IsConnected);

    /// <summary>Powers every device on at once (a site-wide power return).</summary>
    public Task StartAllAsync() => Task.WhenAll(Devices.Select(d => Task.Run(d.StartAsync)));

    /// <summary>Changes the reading interval of every device (takes effect at each device's next reading).</summary>
    public void SetReadingInterval(TimeSpan interval) => Array.Fill(_intervals, interval);

    /// <summary>Starts handing readings to the devices until <see cref="StopRecordingAsync"/>.</summary>
    public void StartRecording()
    {
        _recording = new CancellationTokenSource();
        var token = _recording.Token;
        _driver = Task.Run(() => DriveAsync(token));
    }

    public async Task StopRecordingAsync()
    {
        if (_recording is null)
        {
            return;
        }

        await _recording.CancelAsync();
        await _driver;
        _recording.Dispose();
        _recording = null;
    }

    /// <summary>Records for a while, then stops.</summary>
    public async Task RecordForAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        StartRecording();
        try
        {
            await Task.Delay(duration, cancellationToken);
        }
        finally
        {
            await StopRecordingAsync();
        }
    }

    /// <summary>Flushes every device and waits until no device holds an unacknowledged reading.</summary>
    /// <exception cref="TimeoutException">Some device still holds readings; the message names a few.</exception>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Devices.Select(d => d.FlushAsync()));
        while (Devices.Any(d => !d.IsDrained))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                var stuck = Devices.Where(d => !d.IsDrained).ToList();
                throw new TimeoutException($"{stuck.Count} devices still hold readings after {timeout.TotalSeconds:0} s, e.g.:\n  "
                    + string.Join("\n  ", stuck.Take(5).Select(d => d.Describe())));
            }

            await Task.Delay(200, cancellationToken);
            await Task.WhenAll(Devices.Where(d => !d.IsDrained).Select(d => d.FlushAsync()));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopRecordingAsync();
        await Task.WhenAll(Devices.Select(d => d.DisposeAsync().AsTask()));
        try
        {
            Directory.Delete(_queueRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task DriveAsync(CancellationToken token)
    {
        var start = Stopwatch.GetTimestamp();
        var due = new double[Devices.Count];
        for (var i = 0; i < due.Length; i++)
        {
            due[i] = Random.Shared.NextDouble() * _intervals[i].TotalSeconds;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                var now = Stopwatch.GetElapsedTime(start).TotalSeconds;
                for (var i = 0; i < due.Length && !token.IsCancellationRequested; i++)
                {
                    if (now >= due[i])
                    {
                        due[i] = Math.Max(due[i] + _intervals[i].TotalSeconds, now);
                        Devices[i].Record(_nextValue[i]++);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
