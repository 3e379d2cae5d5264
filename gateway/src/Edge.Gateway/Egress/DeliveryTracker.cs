namespace Edge.Gateway.Egress;

/// <summary>
/// Tracks records handed to the Kafka producer, in log order, and computes how far the log may be checkpointed:
/// only over a contiguous prefix of records whose delivery Kafka reported as persisted.
/// Thread-safe: <see cref="Add"/> from the egress loop, <see cref="Complete"/> from librdkafka's delivery thread.
/// </summary>
internal sealed class DeliveryTracker
{
    private readonly object _gate = new();
    private readonly long[] _offsets;
    private readonly byte[] _states;
    private TaskCompletionSource? _waiter;
    private long _head;
    private long _tail;
    private long _consumedUpTo;
    private bool _failed;

    public DeliveryTracker(int capacity, long startOffset)
    {
        _offsets = new long[capacity];
        _states = new byte[capacity];
        _consumedUpTo = startOffset;
    }

    private enum State : byte
    {
        InFlight,
        Persisted,
        Failed,
    }

    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return (int)(_tail - _head);
            }
        }
    }

    /// <summary>True when every record handed over so far is persisted (nothing in flight, nothing failed).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                while (_head < _tail && (State)_states[_head % _states.Length] == State.Persisted)
                {
                    _head++;
                }

                return _head == _tail;
            }
        }
    }

    /// <summary>True once any delivery failed: the egress must rewind to <see cref="CommittedOffset"/>.</summary>
    public bool HasFailed
    {
        get
        {
            lock (_gate)
            {
                return _failed;
            }
        }
    }

    /// <summary>Every record with a lower offset was persisted by Kafka (or can never be delivered and was skipped).</summary>
    public long CommittedOffset
    {
        get
        {
            lock (_gate)
            {
                while (_head < _tail && (State)_states[_head % _states.Length] == State.Persisted)
                {
                    _head++;
                }

                return _head < _tail ? _offsets[_head % _offsets.Length] : _consumedUpTo;
            }
        }
    }

    /// <summary>Registers the next record in log order; returns its ticket, or -1 when the window is full.</summary>
    public long Add(long offset)
    {
        lock (_gate)
        {
            if (_tail - _head == _offsets.Length)
            {
                // Reclaim what was persisted before declaring the window full.
                while (_head < _tail && (State)_states[_head % _states.Length] == State.Persisted)
                {
                    _head++;
                }

                if (_tail - _head == _offsets.Length)
                {
                    return -1;
                }
            }

            var ticket = _tail++;
            _offsets[ticket % _offsets.Length] = offset;
            _states[ticket % _states.Length] = (byte)State.InFlight;
            _consumedUpTo = offset + 1;
            return ticket;
        }
    }

    /// <summary>Marks a record that will not be sent (undecodable) as consumed, so the checkpoint can pass it.</summary>
    public void Skip(long offset)
    {
        lock (_gate)
        {
            _consumedUpTo = offset + 1;
        }
    }

    public void Complete(long ticket, bool persisted)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _states[ticket % _states.Length] = (byte)(persisted ? State.Persisted : State.Failed);
            _failed |= !persisted;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Waits until some delivery completes (or the timeout passes), without polling.</summary>
    public async Task WaitForProgressAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _waiter.Task;
        }

        try
        {
            await task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // a bounded wait: the caller re-checks its condition
        }
    }
}
