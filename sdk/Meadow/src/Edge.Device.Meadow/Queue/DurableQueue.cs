using Edge.Storage;
using Edge.Storage.Segments;

namespace Edge.Device.Meadow.Queue;

/// <summary>
/// The store-and-forward queue: append-only, checksummed segment files in one folder (Edge.Storage's segment format, frames and torn-tail scan, shared with the gateway's log), with a byte cap and a
/// full policy. <see cref="AppendAsync"/> completes only after the record is fsynced (group commit: one
/// writer drains every pending append, writes them and fsyncs once). Packs are read back oldest first;
/// <see cref="Acknowledge"/> trims them: fully acknowledged segments are deleted and the acknowledged id is
/// persisted in a small file replaced atomically (write, fsync, rename), never by rewriting a segment.
/// </summary>
/// <remarks>Thread-safe. One instance per folder (and per process).</remarks>
internal sealed partial class DurableQueue : IAsyncDisposable
{
    private static readonly TimeSpan AckPersistInterval = TimeSpan.FromSeconds(1);

    private readonly string _directory;
    private readonly long _capacity;
    private readonly int _segmentBytes;
    private readonly QueueFullPolicy _policy;
    private readonly object _gate = new();
    private readonly List<QueueSegment> _segments = [];
    private readonly Queue<QueuedPack> _live = new();
    private readonly List<PendingAppend> _pending = [];
    private readonly SemaphoreSlim _writerSignal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _packAvailable = NewSignal();
    private QueueSegment _active = null!;
    private SegmentWriter _segmentWriter = null!;
    private Task _writer = Task.CompletedTask;
    private long _nextId;
    private long _ackedThrough;
    private long _persistedAck;
    private long _liveBytes;
    private long _liveReadings;
    private long _queuedReadings;
    private long _ackedReadings;
    private long _ackedPacks;
    private long _droppedReadings;
    private long _rejectedReadings;
    private long _fsyncs;
    private bool _disposed;
    private bool _needsRoll;
    private FileStream? _lock;

    private DurableQueue(string directory, long capacity, int segmentBytes, QueueFullPolicy policy)
    {
        _directory = directory;
        _capacity = capacity;
        _segmentBytes = segmentBytes;
        _policy = policy;
    }

    /// <summary>Bytes of a record on disk for a payload of this length.</summary>
    public static int RecordSize(int payloadLength) => PackRecord.Size(payloadLength);

    /// <summary>Live packs recovered when the queue was opened.</summary>
    public int RecoveredPacks { get; private set; }

    /// <summary>Bytes cut from torn or corrupted tails when the queue was opened.</summary>
    public long TruncatedBytes { get; private set; }

    /// <summary>Packs lost to damage inside a segment (valid packs follow it) when the queue was opened.</summary>
    public long CorruptPacks { get; private set; }

    /// <summary>Opens the folder, recovers the segments (cutting torn tails) and starts the group-commit writer.</summary>
    public static DurableQueue Open(string directory, long capacityBytes, int segmentBytes, QueueFullPolicy policy)
    {
        // The folder's own entry must be durable before any pack in it is reported queued (issue 13).
        DurableDirectory.Create(directory);
        var queue = new DurableQueue(directory, capacityBytes, segmentBytes, policy);
        queue._lock = AcquireLock(directory);
        try
        {
            queue.Recover();
        }
        catch
        {
            queue._lock.Dispose();
            throw;
        }

        queue._writer = Task.Run(queue.WriterLoopAsync);
        return queue;
    }

    /// <summary>
    /// Appends a pack; the task completes with true once it is durable on disk, false when the full policy
    /// rejected it (DropNewest, or a pack larger than the cap).
    /// </summary>
    public Task<bool> AppendAsync(byte[] payload, int readings)
    {
        var pending = new PendingAppend(payload, readings);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Add(pending);
        }

        _writerSignal.Release();
        return pending.Completion.Task;
    }

    /// <summary>The oldest unacknowledged pack, or null.</summary>
    public QueuedPack? PeekOldest()
    {
        lock (_gate)
        {
            return _live.Count > 0 ? _live.Peek() : null;
        }
    }

    /// <summary>Completes when at least one pack is waiting.</summary>
    public Task WaitForPackAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _live.Count > 0 ? Task.CompletedTask : _packAvailable.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reads a pack's payload; null when it was dropped or acknowledged meanwhile.</summary>
    public byte[]? ReadPayload(QueuedPack pack)
    {
        lock (_gate)
        {
            if (_live.Count == 0 || pack.Id < _live.Peek().Id || pack.Id <= _ackedThrough)
            {
                return null;
            }

            var payload = new byte[pack.Length];
            // The writer only appends past this region; reading written bytes through another handle is safe.
            // FileStream rather than RandomAccess: netstandard2.1 (Meadow F7) has no RandomAccess.
            using var stream = new FileStream(pack.Segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            stream.Position = pack.PayloadOffset;
            var read = 0;
            while (read < payload.Length)
            {
                var n = stream.Read(payload, read, payload.Length - read);
                if (n == 0)
                {
                    throw new IOException("Queue segment " + pack.Segment.Path + " is shorter than its index says.");
                }

                read += n;
            }

            return payload;
        }
    }

    /// <summary>Marks every pack up to and including <paramref name="id"/> as delivered and trims the queue.</summary>
    public void Acknowledge(long id) => Remove(id, delivered: true);

    /// <summary>
    /// Removes the packs up to and including <paramref name="id"/> without delivery (the broker refused them for good),
    /// counting their readings as rejected; persisted like an acknowledgement, so they are not resent after a reboot.
    /// </summary>
    public void Reject(long id) => Remove(id, delivered: false);

    /// <summary>A snapshot of the queue's counters.</summary>
    public QueueCounters GetCounters()
    {
        lock (_gate)
        {
            return new QueueCounters(_liveReadings, _liveBytes, _live.Count, _queuedReadings, _ackedReadings, _ackedPacks, _droppedReadings, _rejectedReadings, _fsyncs, _segments.Count);
        }
    }

    /// <summary>Completes pending appends, persists the acknowledged offset and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await _stopping.CancelAsync();
        await _writer;
        lock (_gate)
        {
            PersistAck();
            _segmentWriter.Dispose();
            _lock?.Dispose();
        }

        _stopping.Dispose();
        _writerSignal.Dispose();
        _packAvailable.TrySetCanceled();
    }

    /// <summary>One queue per folder: a second instance (in this or another process) would interleave records.</summary>
    private static FileStream AcquireLock(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, "queue.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException("The queue folder " + directory + " is in use by another Edge device instance.", e);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Remove(long id, bool delivered)
    {
        lock (_gate)
        {
            while (_live.Count > 0 && _live.Peek().Id <= id)
            {
                var pack = _live.Dequeue();
                _liveBytes -= RecordSize(pack.Length);
                _liveReadings -= pack.Readings;
                if (delivered)
                {
                    _ackedReadings += pack.Readings;
                    _ackedPacks++;
                }
                else
                {
                    _rejectedReadings += pack.Readings;
                }
            }

            _ackedThrough = Math.Max(_ackedThrough, id);
            TrimSegments();
        }
    }

    private async Task WriterLoopAsync()
    {
        var stopping = false;
        while (true)
        {
            if (!stopping)
            {
                try
                {
                    await _writerSignal.WaitAsync(AckPersistInterval, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    stopping = true;
                }
            }

            List<PendingAppend> batch;
            lock (_gate)
            {
                batch = [.. _pending];
                _pending.Clear();
            }

            if (batch.Count > 0)
            {
                WriteBatch(batch);
            }
            else if (stopping)
            {
                return;
            }

            lock (_gate)
            {
                PersistAck();
            }
        }
    }
}
