namespace Edge.Gateway.Ingest;

/// <summary>
/// Keeps a client id's ending connection and its next one from overlapping inside MQTTnet, whose clean-up of a closed
/// connection works by client id: MQTTnet 5.2's <c>MqttClientSessionsManager.HandleClientConnectionAsync</c>, after the
/// old connection's receive loop ended, removes <c>_clients[clientId]</c> and, for a clean session, deletes and disposes
/// the session stored under that id. A new connection with the same id that MQTTnet set up in between (a device that
/// disconnects and reconnects at once; <c>mosquitto_sub</c> then <c>mosquitto_pub</c> with one id) loses its client
/// entry and session: its receive loop ends at once, silently, and the device sees "connection lost" before its PUBACK.
/// Seen in CI (CommandPeerTests, a loaded machine); not fixed upstream in 5.2.
/// </summary>
/// <remarks>
/// <para>Two states per client id, each bounded by a limit (<see cref="DefaultLimit"/>) so that a missed event costs a delay, never a
/// stuck device: <em>ending</em> from the old connection's DISCONNECT packet (before MQTTnet processes it) until MQTTnet
/// raised its ClientDisconnected event, which comes after the clean-up; <em>starting</em> from a new connection's
/// accepted login until MQTTnet raised its ClientConnected event. A login waits for an ending connection of its id; a
/// DISCONNECT waits for a starting connection of its id, which then takes the old one over (MQTTnet's takeover path skips
/// the clean-up by id). A connection that ends without DISCONNECT (a dropped socket) is not covered: MQTTnet raises
/// nothing before its clean-up; a device reconnecting after a drop waits for its backoff first.</para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed class ClientHandover
{
    /// <summary>Longest wait for the other connection: MQTTnet's clean-up takes milliseconds.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _limit;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TaskCompletionSource> _ending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _starting = new(StringComparer.Ordinal);

    /// <param name="limit">Longest wait for the other connection; <see cref="DefaultLimit"/> when null.</param>
    public ClientHandover(TimeSpan? limit = null) => _limit = limit ?? DefaultLimit;

    /// <summary>Number of client ids with a connection ending or starting (diagnostics and tests).</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _ending.Count + _starting.Count;
            }
        }
    }

    /// <summary>A login of <paramref name="clientId"/> was accepted: waits for its ending connection, then marks it starting.</summary>
    public async Task StartingAsync(string clientId, CancellationToken cancellationToken)
    {
        _ = await WaitAsync(_ending, clientId, cancellationToken).ConfigureAwait(false);
        Set(_starting, clientId);
    }

    /// <summary>MQTTnet raised ClientConnected for <paramref name="clientId"/>.</summary>
    public void Connected(string clientId) => Complete(_starting, clientId);

    /// <summary>
    /// A connection of <paramref name="clientId"/> sent DISCONNECT: marks it ending, or, when a connection of the id is
    /// starting, waits for it instead: that one takes this one over, and MQTTnet raises no ClientDisconnected that would end
    /// the state.
    /// </summary>
    public async Task EndingAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!await WaitAsync(_starting, clientId, cancellationToken).ConfigureAwait(false))
        {
            Set(_ending, clientId);
        }
    }

    /// <summary>
    /// MQTTnet raised ClientDisconnected (not a takeover) for <paramref name="clientId"/>: its clean-up is done. Also ends a
    /// starting state, for a connection that failed between its login and ClientConnected (MQTTnet then raises this).
    /// </summary>
    public void Disconnected(string clientId)
    {
        if (!Complete(_ending, clientId))
        {
            _ = Complete(_starting, clientId);
        }
    }

    // False when there was nothing to wait for.
    private async Task<bool> WaitAsync(Dictionary<string, TaskCompletionSource> states, string clientId, CancellationToken cancellationToken)
    {
        Task pending;
        lock (_lock)
        {
            if (!states.TryGetValue(clientId, out var state))
            {
                return false;
            }

            pending = state.Task;
        }

        try
        {
            await pending.WaitAsync(_limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // An event MQTTnet did not raise (or a connection MQTTnet still cleans up): go on rather than refuse.
            _ = Complete(states, clientId, pending);
        }

        return true;
    }

    private void Set(Dictionary<string, TaskCompletionSource> states, string clientId)
    {
        var state = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource? replaced;
        lock (_lock)
        {
            states.Remove(clientId, out replaced);
            states[clientId] = state;
        }

        replaced?.TrySetResult(); // two logins of one id at once: whoever waited on the first goes on
    }

    private bool Complete(Dictionary<string, TaskCompletionSource> states, string clientId, Task? only = null)
    {
        TaskCompletionSource? state;
        lock (_lock)
        {
            if (!states.TryGetValue(clientId, out state) || (only is not null && state.Task != only))
            {
                return false;
            }

            states.Remove(clientId);
        }

        state.TrySetResult();
        return true;
    }
}
