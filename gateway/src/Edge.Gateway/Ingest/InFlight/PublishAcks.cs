using System.Collections;

namespace Edge.Gateway.Ingest.InFlight;

/// <summary>
/// The acknowledgements one session owes, so that the publishes in flight on one connection share a group commit.
/// MQTTnet.Server handles a connection's packets one at a time and sends PUBACK/PUBREC only after the publish
/// interceptor returns; awaiting the fsync there capped one connection at 1 ÷ fsync latency. Instead the interceptor
/// starts the append and returns, and <see cref="Add"/>s the task that ends when the record is durable; MQTTnet then
/// queues the PUBACK, and its send loop (one per connection, first in, first out) calls the outbound packet
/// interceptor right before the packet is written, which <see cref="Take"/>s and awaits that task. So the next
/// publishes are read and appended while the first one's fsync runs, the acknowledgement still leaves only after its
/// record is fsynced, and acknowledgements leave in packet order because one loop sends them in the order queued.
/// </summary>
/// <remarks>
/// One per MQTTnet session (in its items). Thread-safe: the receive loop adds, the send loop takes, the append's
/// completion releases room. At most <see cref="MaxInFlight"/> appends of one session are waiting for their fsync at
/// a time; the next publish waits for room (backpressure on a client that does not wait for acknowledgements).
/// </remarks>
internal sealed class PublishAcks
{
    /// <summary>The session item key.</summary>
    public const string Key = "edge.publish-acks";

    /// <summary>
    /// Appends of one session waiting for their fsync at most. Below the dedupe's 64-seq window (BootWindow), so packs
    /// recorded out of order after their fsyncs are still tracked one by one; above the 16 in flight that a PLC
    /// gateway or a bridging broker keeps.
    /// </summary>
    public const int MaxInFlight = 32;

    private static readonly Task<AckOutcome> NoneStarted = Task.FromResult(AckOutcome.Durable);

    private readonly Dictionary<ushort, Task<AckOutcome>> _pending = [];
    private Task<AckOutcome> _latest = NoneStarted;
    private TaskCompletionSource? _drained;
    private TaskCompletionSource? _roomFreed;
    private int _appending;
    private int _current;
    private int _closed;

    /// <summary>True after a 3.1.1 acknowledgement was withheld: no later one may go out on that connection.</summary>
    public bool Closed => Volatile.Read(ref _closed) == 1;

    /// <summary>The completion of the session's latest started append (all earlier ones are durable once it is).</summary>
    public Task<AckOutcome> Latest
    {
        get
        {
            lock (_pending)
            {
                return _latest;
            }
        }
    }

    /// <summary>This session's instance, created on first use.</summary>
    public static PublishAcks For(IDictionary sessionItems)
    {
        ArgumentNullException.ThrowIfNull(sessionItems);
        if (sessionItems[Key] is PublishAcks acks)
        {
            return acks;
        }

        acks = new PublishAcks();
        sessionItems[Key] = acks;
        return acks;
    }

    /// <summary>This session's instance, or null when none of its publishes was appended.</summary>
    public static PublishAcks? Find(IDictionary sessionItems) => sessionItems[Key] as PublishAcks;

    /// <summary>The packet id of the PUBLISH MQTTnet is about to hand to the publish interceptor (which does not see it).</summary>
    public void SetCurrent(ushort packetId) => Volatile.Write(ref _current, packetId);

    /// <summary>The packet id set by <see cref="SetCurrent"/> for this PUBLISH, 0 when none; clears it.</summary>
    public ushort TakeCurrent() => (ushort)Interlocked.Exchange(ref _current, 0);

    /// <summary>Waits until fewer than <see cref="MaxInFlight"/> appends of this session wait for their fsync; takes a place.</summary>
    public async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task freed;
            lock (_pending)
            {
                if (_appending < MaxInFlight)
                {
                    _appending++;
                    return;
                }

                _roomFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                freed = _roomFreed.Task;
            }

            await freed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives back the place taken by <see cref="WaitForRoomAsync"/> (when the append ended, or was never started).</summary>
    public void ReleaseRoom()
    {
        lock (_pending)
        {
            _appending--;
            _roomFreed?.TrySetResult();
            _roomFreed = null;
        }
    }

    /// <summary>Registers the started append of the PUBLISH with <paramref name="packetId"/>.</summary>
    public void Add(ushort packetId, Task<AckOutcome> completion)
    {
        lock (_pending)
        {
            _pending[packetId] = completion;
            _latest = completion;
        }
    }

    /// <summary>
    /// The append the acknowledgement for <paramref name="packetId"/> must wait for. <c>Own</c> is false when that
    /// publish was not appended here (refused, a duplicate, or registered on a connection that was replaced): the task
    /// is then the latest append of the session, so the acknowledgement still never overtakes a record that is not durable.
    /// </summary>
    public (Task<AckOutcome> Completion, bool Own) Take(ushort packetId)
    {
        lock (_pending)
        {
            if (!_pending.Remove(packetId, out var completion))
            {
                return (_latest, false);
            }

            if (_pending.Count == 0 && _drained is { } drained)
            {
                _drained = null;
                drained.TrySetResult();
            }

            return (completion, true);
        }
    }

    /// <summary>Completes when every registered acknowledgement was taken by the send loop (or the session reconnected).</summary>
    public Task WhenAllTakenAsync()
    {
        lock (_pending)
        {
            if (_pending.Count == 0)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    /// <summary>Marks the connection as closing after a withheld 3.1.1 acknowledgement; true for the first caller.</summary>
    public bool MarkClosed() => Interlocked.Exchange(ref _closed, 1) == 0;

    /// <summary>
    /// A new connection of this session: MQTTnet cleared the session's queued packets (a resumed session re-sends only
    /// its own PUBLISH packets), so no acknowledgement of the old connection will be taken. Appends still running keep
    /// their place until they end.
    /// </summary>
    public void OnConnected()
    {
        lock (_pending)
        {
            _pending.Clear();
            Volatile.Write(ref _closed, 0);
            Volatile.Write(ref _current, 0);
            _drained?.TrySetResult();
            _drained = null;
        }
    }
}
