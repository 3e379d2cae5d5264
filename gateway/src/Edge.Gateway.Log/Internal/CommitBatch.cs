namespace Edge.Gateway.Log.Internal;

/// <summary>
/// Frames waiting for one group commit: one contiguous buffer written with one write call per segment it
/// touches, then one fsync. Every awaiting appender shares <see cref="Completion"/>, so an append costs no
/// per-record completion object. Guarded by the log's lock while filling; owned by the writer thread after.
/// </summary>
internal sealed class CommitBatch
{
    private byte[] _buffer = new byte[64 * 1024];

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Data => _buffer.AsMemory(0, Length);

    /// <summary>Segment runs in buffer order: records from <c>Start</c> to the next run's start go to <c>Segment</c>.</summary>
    public List<(int Start, Segment Segment)> Runs { get; } = [];

    /// <summary>Offset after the last record in the batch.</summary>
    public long EndOffset { get; set; }

    public int Records { get; private set; }

    /// <summary>The log clock's timestamp of the first record (the commit window starts there); set by the appender.</summary>
    public long FirstAppendTimestamp { get; set; }

    public TaskCompletionSource Completion { get; private set; } = NewCompletion();

    public bool IsEmpty => Records == 0;

    /// <summary>Reserves room for one frame in <paramref name="segment"/> and returns it to be filled.</summary>
    public Span<byte> Reserve(int frameSize, Segment segment)
    {
        if (Runs.Count == 0 || !ReferenceEquals(Runs[^1].Segment, segment))
        {
            Runs.Add((Length, segment));
        }

        if (_buffer.Length - Length < frameSize)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + frameSize));
        }

        Span<byte> span = _buffer.AsSpan(Length, frameSize);
        Length += frameSize;
        Records++;
        return span;
    }

    /// <summary>Readies a written batch for reuse with a fresh completion; large buffers are released.</summary>
    public void Reset()
    {
        Length = 0;
        Records = 0;
        Runs.Clear();
        Completion = NewCompletion();
        if (_buffer.Length > 4 << 20)
        {
            _buffer = new byte[64 * 1024];
        }
    }

    private static TaskCompletionSource NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
