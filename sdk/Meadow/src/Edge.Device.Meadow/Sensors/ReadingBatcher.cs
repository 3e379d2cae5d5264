using Edge.Device.Meadow.Queue;
using Edge.Protocol.Senml;
using Edge.Protocol.Topics;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow.Sensors;

/// <summary>
/// Collects readings in RAM and turns them into SenML-CBOR packs (base time = first reading, t = offsets,
/// "bid" + "seq" identity) when <see cref="EdgeDeviceOptions.MaxBatchReadings"/> are waiting or
/// <see cref="EdgeDeviceOptions.BatchInterval"/> has passed since the first. Packs are handed to the queue in
/// sequence order; a reading's completion is set once its pack is durable (true) or rejected (false).
/// </summary>
internal sealed class ReadingBatcher : IDisposable
{
    private readonly EdgeDeviceOptions _options;
    private readonly DurableQueue _queue;
    private readonly ILogger _logger;
    private readonly SenmlEncoder _encoder;
    private readonly byte[] _buffer;
    private readonly object _gate = new();
    private readonly List<Reading> _readings = [];
    private readonly ITimer _timer;
    private readonly uint _bootId;
    private uint _sequence;
    private bool _timerArmed;
    private Task _lastAppend = Task.CompletedTask;

    public ReadingBatcher(EdgeDeviceOptions options, DurableQueue queue, uint bootId, ILogger logger)
    {
        _options = options;
        _queue = queue;
        _bootId = bootId;
        _logger = logger;
        _encoder = new SenmlEncoder(EdgeTopics.BaseName(options.DeviceId));
        _buffer = new byte[options.MaxPackBytes];
        _timer = options.TimeProvider.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Sequence number of the last pack formed.</summary>
    public uint Sequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    public void Add(Reading reading)
    {
        lock (_gate)
        {
            _readings.Add(reading);
            if (_readings.Count >= _options.MaxBatchReadings)
            {
                FlushLocked();
            }
            else if (!_timerArmed)
            {
                _timerArmed = true;
                _timer.Change(_options.BatchInterval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Forms packs from every waiting reading and returns when they are all durable (or rejected).</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            FlushLocked();
            return _lastAppend;
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>The batch timer's callback: must never throw (it would take the process down).</summary>
    private void Flush()
    {
        try
        {
            lock (_gate)
            {
                FlushLocked();
            }
        }
        catch (ObjectDisposedException e)
        {
            // The device is being disposed: the readings of this batch are reported as not queued.
            Log.QueueFailed(_logger, e);
        }
    }

    private void FlushLocked()
    {
        _timerArmed = false;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var start = 0;
        var appends = new List<Task>();
        while (start < _readings.Count)
        {
            var baseTime = _readings[start].Time;
            var sequence = _sequence + 1;
            // A clock that was never set (a board at 1970 before SNTP answered) gives no time at all: no bt and no t, so
            // the gateway's receive time applies (docs/protocol.md), never a reading dated 1970.
            var known = baseTime.Year >= SntpTimeProvider.FirstKnownYear;
            _encoder.Begin(_buffer, 0, _buffer.Length, known ? baseTime.ToUnixTimeMilliseconds() / 1000.0 : 0, _bootId, sequence);
            var end = start;
            while (end < _readings.Count)
            {
                var r = _readings[end];
                var offset = known ? (r.Time.ToUnixTimeMilliseconds() - baseTime.ToUnixTimeMilliseconds()) / 1000.0 : 0;
                if (!_encoder.TryAddNumber(r.Name, r.Value, offset))
                {
                    break;
                }

                end++;
            }

            if (end == start)
            {
                // One reading larger than MaxPackBytes (a very long name): refuse it rather than stall.
                _readings[start].Completion?.TrySetResult(false);
                start++;
                continue;
            }

            var length = _encoder.Finish();
            _sequence = sequence;
            var payload = _buffer.AsSpan(0, length).ToArray();
            var members = _readings.GetRange(start, end - start);
            Task<bool> append;
            try
            {
                append = _queue.AppendAsync(payload, members.Count);
            }
            catch (ObjectDisposedException e)
            {
                append = Task.FromException<bool>(e);
            }

            appends.Add(CompleteWhenQueuedAsync(append, members));
            start = end;
        }

        _readings.Clear();
        if (appends.Count > 0)
        {
            _lastAppend = Task.WhenAll(appends);
        }
    }

    private async Task CompleteWhenQueuedAsync(Task<bool> append, List<Reading> members)
    {
        bool queued;
        try
        {
            queued = await append;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Log.QueueFailed(_logger, e);
            queued = false;
        }

        foreach (var r in members)
        {
            r.Completion?.TrySetResult(queued);
        }
    }
}
