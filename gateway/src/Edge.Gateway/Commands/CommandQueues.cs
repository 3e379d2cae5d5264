namespace Edge.Gateway.Commands;

/// <summary>
/// The in-memory state of the <see cref="CommandStore"/>: per-device queues in the order commands were read from Kafka,
/// every command whose result is not yet in the gateway's log, and a bounded memory of recently finished ones (to ignore
/// a Kafka record read twice). Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class CommandQueues
{
    private const int RememberedFinished = 4096;

    private readonly Dictionary<string, List<PendingCommand>> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Device, string Id), PendingCommand> _live = [];
    private readonly HashSet<(string Device, string Id)> _finished = [];
    private readonly Queue<(string Device, string Id)> _finishedOrder = new();

    /// <summary>Commands waiting for their device.</summary>
    public int Pending { get; private set; }

    /// <summary>Every command whose result is not yet durable in the gateway's log (waiting, or in the outbox).</summary>
    public IEnumerable<PendingCommand> Live => _live.Values;

    /// <summary>Devices with waiting commands, and how many.</summary>
    public IEnumerable<KeyValuePair<string, int>> Counts => _queues.Select(q => KeyValuePair.Create(q.Key, q.Value.Count));

    /// <summary>True when (device, id) waits, is in the outbox, or finished recently.</summary>
    public bool Knows(string device, string id) => _live.ContainsKey((device, id)) || _finished.Contains((device, id));

    public bool TryGet(string device, string id, out PendingCommand command) => _live.TryGetValue((device, id), out command!);

    public int QueueLength(string device) => _queues.TryGetValue(device, out var queue) ? queue.Count : 0;

    public bool HasQueue(string device) => _queues.ContainsKey(device);

    /// <summary>The device's waiting commands in order, up to (not including) the first one not yet durable.</summary>
    public List<PendingCommand> DurablePrefix(string device)
        => _queues.TryGetValue(device, out var queue) ? [.. queue.TakeWhile(c => c.Durable)] : [];

    /// <summary>Adds a command: waiting for its device when it has no result yet, otherwise in the outbox only.</summary>
    public void Add(PendingCommand command)
    {
        _live[(command.Device, command.Id)] = command;
        if (command.Result is null)
        {
            Enqueue(command);
        }
    }

    /// <summary>Takes a command out of its device's queue (it keeps its place in <see cref="Live"/>).</summary>
    public void Dequeue(PendingCommand command)
    {
        if (_queues.TryGetValue(command.Device, out var queue) && queue.Remove(command))
        {
            Pending--;
            if (queue.Count == 0)
            {
                _queues.Remove(command.Device);
            }
        }
    }

    /// <summary>Puts a command back in its place (by <see cref="PendingCommand.Sequence"/>).</summary>
    public void Enqueue(PendingCommand command)
    {
        if (!_queues.TryGetValue(command.Device, out var queue))
        {
            _queues[command.Device] = queue = [];
        }

        var at = queue.FindIndex(c => c.Sequence > command.Sequence);
        queue.Insert(at < 0 ? queue.Count : at, command);
        Pending++;
    }

    /// <summary>Forgets a command; when <paramref name="remember"/>, a re-read of it is still recognised for a while.</summary>
    public void Forget(string device, string id, bool remember)
    {
        var key = (device, id);
        if (_live.Remove(key, out var command))
        {
            Dequeue(command);
        }

        if (remember && _finished.Add(key))
        {
            _finishedOrder.Enqueue(key);
            if (_finishedOrder.Count > RememberedFinished)
            {
                _finished.Remove(_finishedOrder.Dequeue());
            }
        }
    }

    /// <summary>Waiting durable commands whose TTL ran out at <paramref name="nowMs"/>.</summary>
    public List<PendingCommand> Expired(long nowMs)
        => [.. _queues.Values.SelectMany(q => q).Where(c => c.Durable && c.ExpiresMs <= nowMs)];

    /// <summary>The first store offset still needed, or <paramref name="next"/> when nothing is.</summary>
    public long FirstNeededOffset(long next) => _live.Count == 0 ? next : Math.Min(next, _live.Values.Min(c => c.FirstOffset));
}
