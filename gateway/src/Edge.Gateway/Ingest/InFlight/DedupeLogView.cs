using Edge.Gateway.Log;

namespace Edge.Gateway.Ingest.InFlight;

/// <summary>
/// The durable log as <see cref="Dedupe.IngestDedupe"/> sees it: the same log, except that <see cref="NextOffset"/> is
/// <see cref="UnrecordedOffsets.Floor"/>, which the dedupe's snapshot takes as the offset it covers. So a snapshot never
/// claims an offset whose record is appended and not yet recorded by the dedupe (its fsync still runs while the
/// publishes in flight on a connection share a group commit); a restart replays the log from there. Everything else
/// forwards. Thread-safe as the log is.
/// </summary>
internal sealed class DedupeLogView : IDurableLog
{
    private readonly IDurableLog _log;
    private readonly UnrecordedOffsets _unrecorded;

    public DedupeLogView(IDurableLog log, UnrecordedOffsets unrecorded)
    {
        _log = log;
        _unrecorded = unrecorded;
    }

    public string LogId => _log.LogId;

    public long CheckpointOffset => _log.CheckpointOffset;

    /// <summary>The log's next offset, or lower while appends below it are not yet recorded by the dedupe.</summary>
    public long NextOffset => _unrecorded.Floor();

    public ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) => _log.AppendAsync(payload, cancellationToken);

    public AppendResult Append(ReadOnlyMemory<byte> payload) => _log.Append(payload);

    public ILogReader OpenReader(long fromOffset) => _log.OpenReader(fromOffset);

    public ValueTask CheckpointAsync(long committedOffset, CancellationToken cancellationToken = default) => _log.CheckpointAsync(committedOffset, cancellationToken);

    public LogStats GetStats() => _log.GetStats();

    /// <summary>Does nothing: the host owns and disposes the log itself.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
