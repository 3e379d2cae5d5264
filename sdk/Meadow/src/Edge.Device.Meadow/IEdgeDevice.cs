using Edge.Protocol.Commands;
using Edge.Protocol.State;

namespace Edge.Device.Meadow;

/// <summary>
/// A board's connection to the Edge gateway: readings are batched into SenML-CBOR packs, made durable in a
/// crash-safe queue on flash, and published at QoS 1 in order until the broker acknowledges them, across
/// outages and reboots. Create one with <see cref="EdgeDevice.Create"/>.
/// </summary>
/// <remarks>
/// Every member is thread-safe. Sensors and command handlers may be added before or after
/// <see cref="StartAsync"/>. Delivery is at least once: a reading can arrive twice (same boot id and sequence
/// number, so the receiver can tell), but a reading reported as queued is never lost unless the queue-full
/// policy drops it (counted in <see cref="EdgeDeviceStats.DroppedReadings"/>).
/// </remarks>
public interface IEdgeDevice : IAsyncDisposable
{
    /// <summary>The device id (MQTT client id).</summary>
    string DeviceId { get; }

    /// <summary>The boot id written into this instance's packs.</summary>
    uint BootId { get; }

    /// <summary>True while connected to the broker.</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Starts the connection supervisor (connect, birth message, command subscription, reconnect with
    /// exponential backoff and full jitter), the sender that drains the queue in order, and the sensor bindings.
    /// Returns at once; it does not wait for a connection. Queued packs from before a reboot are sent first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start only.</param>
    /// <exception cref="InvalidOperationException">Already started or stopped.</exception>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops sensors, queues the readings still batched in RAM, publishes the retained "offline" status when
    /// connected and disconnects cleanly. Unsent packs stay in the queue for the next start.
    /// </summary>
    /// <param name="cancellationToken">Abandons the graceful parts (offline status, disconnect) when cancelled.</param>
    Task StopAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records one reading now. The task completes with true once the reading's pack is durably queued (fsynced),
    /// false when the queue-full policy <see cref="QueueFullPolicy.DropNewest"/> rejected it.
    /// </summary>
    /// <param name="name">SenML name, e.g. "temperature".</param>
    /// <param name="unit">SenML unit (RFC 8428 registry), e.g. "Cel"; null for none.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Stops waiting (the reading is still recorded).</param>
    /// <exception cref="ObjectDisposedException">The device was disposed.</exception>
    Task<bool> RecordAsync(string name, string? unit, double value, CancellationToken cancellationToken = default);

    /// <summary>Binds an <see cref="IObservable{T}"/> sensor (e.g. Meadow.Foundation's <c>Subscribe</c> shape). Dispose the result to unbind.</summary>
    /// <typeparam name="T">The sensor's reading type, e.g. <c>IChangeResult&lt;Temperature&gt;</c>.</typeparam>
    /// <param name="name">SenML name.</param>
    /// <param name="unit">SenML unit or null.</param>
    /// <param name="source">The observable.</param>
    /// <param name="selector">Extracts the value in <paramref name="unit"/>, e.g. <c>r =&gt; r.New.Celsius</c>.</param>
    /// <param name="options">Deadband and heartbeat; null records every reading.</param>
    IDisposable AddSensor<T>(string name, string? unit, IObservable<T> source, Func<T, double> selector, SensorOptions? options = null);

    /// <summary>
    /// Binds an <c>event EventHandler&lt;T&gt;</c> sensor (e.g. Meadow.Foundation's <c>Updated</c>):
    /// <c>AddSensor("temperature", "Cel", h =&gt; s.Updated += h, h =&gt; s.Updated -= h, r =&gt; r.New.Celsius)</c>.
    /// Dispose the result to unbind.
    /// </summary>
    /// <typeparam name="T">The event's argument type.</typeparam>
    /// <param name="name">SenML name.</param>
    /// <param name="unit">SenML unit or null.</param>
    /// <param name="subscribe">Adds the handler to the event.</param>
    /// <param name="unsubscribe">Removes the handler from the event.</param>
    /// <param name="selector">Extracts the value.</param>
    /// <param name="options">Deadband and heartbeat; null records every reading.</param>
    IDisposable AddSensor<T>(string name, string? unit, Action<EventHandler<T>> subscribe, Action<EventHandler<T>> unsubscribe, Func<T, double> selector, SensorOptions? options = null);

    /// <summary>
    /// Binds a polled sensor (e.g. Meadow.Foundation's <c>Read()</c>): the polling scheduler calls
    /// <paramref name="read"/> every <paramref name="period"/> while the device runs. A read that throws is
    /// logged and skipped. Dispose the result to stop polling.
    /// </summary>
    /// <typeparam name="T">The read's result type.</typeparam>
    /// <param name="name">SenML name.</param>
    /// <param name="unit">SenML unit or null.</param>
    /// <param name="read">The asynchronous read.</param>
    /// <param name="selector">Extracts the value.</param>
    /// <param name="period">Time between reads (at least 1 ms).</param>
    /// <param name="options">Deadband and heartbeat; null records every reading.</param>
    IDisposable AddSensor<T>(string name, string? unit, Func<Task<T>> read, Func<T, double> selector, TimeSpan period, SensorOptions? options = null);

    /// <summary>
    /// Handles the downlink command <c>edge/v1/{deviceId}/cmd/{name}</c>. The handler's returned text is sent in
    /// an ok ack on <c>cmd-ack</c>; an exception sends <c>ok: false</c> with its message. A command with no handler
    /// is acked with <c>ok: false</c>. Handlers run one at a time, off the MQTT receive loop. Replaces an earlier handler.
    /// Each command id runs once: a command resent with an id among the last <see cref="EdgeDeviceOptions.RememberedCommandIds"/>
    /// executed (after a reconnect, a gateway restart or a reboot) is acked again with the remembered result, the handler
    /// not called.
    /// </summary>
    /// <param name="name">Command name: 1–64 characters of [A-Za-z0-9._-].</param>
    /// <param name="handler">Receives the command (id and raw CBOR args) and a token cancelled on stop.</param>
    void OnCommand(string name, Func<EdgeCommand, CancellationToken, Task<string?>> handler);

    /// <summary>
    /// Handles the desired state the gateway publishes, retained, on <c>edge/v1/{deviceId}/desired</c> (after every
    /// connect and whenever it changes). When the handler completes, the version counts as applied and
    /// <c>{"v": version}</c> is published on <c>edge/v1/{deviceId}/reported</c>; when it throws, the version stays
    /// unapplied and nothing is reported (the cloud sees the drift). Runs off the MQTT receive loop, one state at a time;
    /// only the newest state waits while it runs. A version equal to the one applied last (the retained copy again
    /// after a reconnect) is reported again without calling the handler; after a reboot the retained state is applied
    /// again, so apply it idempotently. A state that arrives before a handler is set waits for it. Replaces an earlier
    /// handler.
    /// </summary>
    /// <param name="handler">Receives the state (<see cref="EdgeState.Version"/>, the raw CBOR document
    /// <see cref="EdgeState.GetDocument"/> or <see cref="EdgeState.DocumentToJson"/>) and a token cancelled on stop.</param>
    void OnDesiredState(Func<EdgeState, CancellationToken, Task> handler);

    /// <summary>Queues the readings batched in RAM now (without waiting for the batch interval) and waits until they are durable.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>A snapshot of the counters.</summary>
    EdgeDeviceStats GetStats();
}
