namespace Edge.Gateway.Egress;

/// <summary>
/// The pause before egress re-reads the log after a failed session: 200 ms, doubling after each session that made no
/// progress, at most 30 s, and back to 200 ms after a session in which Kafka acknowledged anything (so a one-off error
/// late in a process's life costs 200 ms, not 30 s). Waits on the given clock. Not thread-safe: the egress loop owns it.
/// </summary>
internal sealed class RewindBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private TimeSpan _next = Initial;

    public RewindBackoff(TimeProvider time) => _time = time;

    /// <summary>
    /// The pause after a session that started at <paramref name="startOffset"/> and got the checkpoint to
    /// <paramref name="committedOffset"/>: the initial pause if it advanced, else the previous pause doubled (capped).
    /// </summary>
    public TimeSpan AfterSession(long startOffset, long committedOffset)
    {
        if (committedOffset > startOffset)
        {
            _next = Initial;
        }

        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, Max.Ticks));
        return delay;
    }

    /// <summary>Waits <paramref name="delay"/> on the backoff's clock.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, _time, cancellationToken);
}
