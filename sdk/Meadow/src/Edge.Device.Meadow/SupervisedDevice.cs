using System.Collections.Concurrent;
using Edge.Device.Meadow.Commands;
using Edge.Device.Meadow.Queue;
using Edge.Device.Meadow.Sensors;
using Edge.Device.Meadow.Session;
using Edge.Protocol.Commands;
using Edge.Protocol.Senml;
using Edge.Protocol.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Device.Meadow;

/// <summary>The <see cref="IEdgeDevice"/> implementation: wires queue, batcher, sensors, session, sender, commands and desired state.</summary>
internal sealed class SupervisedDevice : IEdgeDevice
{
    private readonly EdgeDeviceOptions _options;
    private readonly ILogger _logger;
    private readonly DurableQueue _queue;
    private readonly ReadingBatcher _batcher;
    private readonly TimeProvider _readingClock; // options.TimeProvider, or it corrected by SNTP (EdgeDeviceOptions.TimeServer)
#pragma warning disable CA1859 // one type per build: MqttSession on net8.0, EdgeClientSession on netstandard2.1
    private readonly IMqttSession _session;
#pragma warning restore CA1859
    private readonly PackSender _sender;
    private readonly CommandDispatcher _commands;
    private readonly DesiredStateDispatcher _desired;
    private readonly PollingScheduler _polling;
    private readonly ConcurrentDictionary<string, SenmlName> _names = new(StringComparer.Ordinal);
    private readonly List<SensorBinding> _bindings = [];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _running = new();
    private Task[] _loops = [];
    private int _state; // 0 created, 1 started, 2 stopped, 3 disposed
    private long _filtered;

    public SupervisedDevice(EdgeDeviceOptions options)
    {
        _options = options;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("Edge.Device.Meadow");
        BootId = options.BootId ?? BootCounter.Next(options.QueueDirectory);
        _queue = DurableQueue.Open(options.QueueDirectory, options.QueueCapacityBytes, options.QueueSegmentBytes, options.WhenQueueFull);
        Log.QueueRecovered(_logger, _queue.RecoveredPacks, _queue.TruncatedBytes);
        _batcher = new ReadingBatcher(options, _queue, BootId, _logger);
        var accessor = new MqttSessionAccessor();
        var publisher = new ControlPublisher(accessor);
        var executed = ExecutedCommands.Open(options.QueueDirectory, options.RememberedCommandIds);
        if (executed.WasDamaged)
        {
            Log.ExecutedCommandsDamaged(_logger, options.QueueDirectory);
        }

        _commands = new CommandDispatcher(options.DeviceId, executed, publisher, _logger);
        _desired = new DesiredStateDispatcher(options.DeviceId, publisher, _logger);
#if NET8_0_OR_GREATER
#pragma warning disable CA5394 // jitter, not security
        _session = new MqttSession(options, _logger, OnMessageAsync, new Random());
#pragma warning restore CA5394
#else
        _session = new EdgeClientSession(options, _logger, OnMessageAsync);
#endif
        accessor.Current = _session;
        _sender = new PackSender(_queue, _session, options, _logger);
        _polling = new PollingScheduler(options.TimeProvider, _logger);
        _readingClock = options.TimeServer is null ? options.TimeProvider : new SntpTimeProvider(options.TimeProvider, options.TimeServer, options.TimeServerPort, options.SetClock);
    }

    public string DeviceId => _options.DeviceId;

    public uint BootId { get; }

    public bool IsConnected => _session.IsConnected;

    /// <summary>The queue (tests inspect it).</summary>
    internal DurableQueue Queue => _queue;

    /// <summary>The session (tests read the backoff of the net8.0 <see cref="MqttSession"/>).</summary>
    internal IMqttSession Session => _session;

    /// <summary>Completes when every background loop has ended (tests check that stop and dispose leave none behind).</summary>
    internal Task BackgroundLoops => Task.WhenAll(_loops);

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_state == 3, this);
            if (_state != 0)
            {
                throw new InvalidOperationException("An Edge device can be started once.");
            }

            _state = 1;
            var token = _running.Token;
            _loops =
            [
                Task.Run(() => _session.RunAsync(token), CancellationToken.None),
                Task.Run(() => _sender.RunAsync(token), CancellationToken.None),
                Task.Run(() => _commands.RunAsync(token), CancellationToken.None),
                Task.Run(() => _desired.RunAsync(token), CancellationToken.None),
                Task.Run(() => _polling.RunAsync(token), CancellationToken.None),
            ];
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        SensorBinding[] bindings;
        lock (_gate)
        {
            if (_state is 2 or 3)
            {
                return;
            }

            var wasStarted = _state == 1;
            _state = 2;
            bindings = [.. _bindings];
            if (!wasStarted)
            {
                _loops = [];
            }
        }

        foreach (var b in bindings)
        {
            b.Dispose();
        }

        try
        {
            await _batcher.FlushAsync().WaitAsync(cancellationToken);
        }
        finally
        {
            // Even when the caller gives up on the flush the loops must stop: DisposeAsync does not stop a device
            // that is already stopping, and would otherwise leave the reconnect loop running.
            await _running.CancelAsync();
        }
        await Task.WhenAll(_loops).WaitAsync(cancellationToken);
        await _session.GoOfflineAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_state == 3)
            {
                return;
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // graceful parts abandoned; the queue below still closes cleanly
        }

        lock (_gate)
        {
            _state = 3;
        }

        await _running.CancelAsync();
        await _session.DisposeAsync();
        _batcher.Dispose();
        await _queue.DisposeAsync();
        _running.Dispose();
    }

    public Task<bool> RecordAsync(string name, string? unit, double value, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_state == 3, this);
        }

        _batcher.Add(new Reading(NameOf(name, unit), value, _readingClock.GetUtcNow(), completion));
        return completion.Task.WaitAsync(cancellationToken);
    }

    public IDisposable AddSensor<T>(string name, string? unit, IObservable<T> source, Func<T, double> selector, SensorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        var binding = Bind(name, unit, options);
        var subscription = source.Subscribe(new ObservableAdapter<T>(binding, selector, _logger));
        binding.OnDispose(subscription.Dispose);
        return binding;
    }

    public IDisposable AddSensor<T>(string name, string? unit, Action<EventHandler<T>> subscribe, Action<EventHandler<T>> unsubscribe, Func<T, double> selector, SensorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(subscribe);
        ArgumentNullException.ThrowIfNull(unsubscribe);
        ArgumentNullException.ThrowIfNull(selector);
        var binding = Bind(name, unit, options);
        EventHandler<T> handler = (_, value) =>
        {
            try
            {
                binding.Offer(selector(value));
            }
#pragma warning disable CA1031 // never throw back into the sensor driver's event
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.SensorFailed(_logger, name, e);
            }
        };
        subscribe(handler);
        binding.OnDispose(() => unsubscribe(handler));
        return binding;
    }

    public IDisposable AddSensor<T>(string name, string? unit, Func<Task<T>> read, Func<T, double> selector, TimeSpan period, SensorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentOutOfRangeException.ThrowIfLessThan(period, TimeSpan.FromMilliseconds(1));
        var binding = Bind(name, unit, options);
        _polling.Add(new PolledSensor(binding, async () => selector(await read()), period));
        return binding;
    }

    public void OnCommand(string name, Func<EdgeCommand, CancellationToken, Task<string?>> handler) => _commands.Register(name, handler);

    public void OnDesiredState(Func<EdgeState, CancellationToken, Task> handler) => _desired.Register(handler);

    public Task FlushAsync(CancellationToken cancellationToken = default) => _batcher.FlushAsync().WaitAsync(cancellationToken);

    public EdgeDeviceStats GetStats()
    {
        var q = _queue.GetCounters();
        return new EdgeDeviceStats
        {
            QueuedReadings = q.QueuedReadings,
            SentReadings = q.AckedReadings,
            DroppedReadings = q.DroppedReadings,
            FilteredReadings = Interlocked.Read(ref _filtered),
            PendingReadings = q.LiveReadings,
            PendingBytes = q.LiveBytes,
            Reconnects = _session.Reconnects,
            LastConnectError = _session.LastConnectError,
            SentMessages = _sender.SentMessages,
            RefusedPublishes = _sender.RefusedPublishes,
            RejectedReadings = q.RejectedReadings,
            LastRefusal = _sender.LastRefusal,
            CommandsReceived = _commands.Received,
            CommandsRepeated = _commands.Repeated,
            DesiredStatesApplied = _desired.Applied,
            DesiredStatesFailed = _desired.Failed,
            AppliedDesiredVersion = _desired.AppliedVersion,
            IsConnected = _session.IsConnected,
            Gateway = _session.Gateway,
            BootId = BootId,
        };
    }

    // Commands and desired state each ignore the other's topics; both only decode and queue (never block the session).
    private async Task OnMessageAsync(string topic, byte[] payload)
    {
        await _commands.OnMessageAsync(topic, payload);
        await _desired.OnMessageAsync(topic, payload);
    }

    private SensorBinding Bind(string name, string? unit, SensorOptions? options)
    {
        var binding = new SensorBinding(NameOf(name, unit), options, _batcher, _readingClock, n => Interlocked.Add(ref _filtered, n));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_state == 3, this);
            _bindings.Add(binding);
        }

        return binding;
    }

    private SenmlName NameOf(string name, string? unit)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _names.GetOrAdd(name + "\u0000" + unit, _ => new SenmlName(name, unit));
    }
}
