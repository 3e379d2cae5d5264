namespace Edge.Bench.Pipeline;

/// <summary>
/// One restart after a SIGKILL with a backlog of unacknowledged records: seconds from the restart until the gateway
/// listened, until egress first moved (a record acknowledged by Kafka or skipped by the read-back), until nothing was
/// unacknowledged; the read-back's own time (from /metrics), and the duplicates Kafka holds afterwards.
/// </summary>
internal sealed record CatchUpResult(
    string Delivery,
    string Backlog,
    long Records,
    double ListeningSeconds,
    double FirstMovedSeconds,
    double CaughtUpSeconds,
    double ReadBackSeconds,
    double Skipped,
    long Duplicates);
