using Edge.Gateway.Diagnostics;
using Prometheus;

namespace Edge.Gateway.Egress;

/// <summary>The read-back's counters on the gateway's /metrics registry. Thread-safe (prometheus-net counters).</summary>
internal sealed class ReadBackMetrics
{
    public ReadBackMetrics(GatewayMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        Skipped = factory.CreateCounter("edge_readback_skipped_total", "Records between the checkpoint and the log's end that the read-back found in Kafka already, so they were not sent again (Kafka:Delivery=ExactlyOnce).");
        Unproven = factory.CreateCounter("edge_readback_unproven_total", "Records re-sent after a restart or a failed delivery without proof that Kafka lacked them: possible duplicates (past Kafka:ReadBackMaxRecords, or Kafka:Delivery=AtLeastOnce).");
        Runs = factory.CreateCounter("edge_readback_runs_total", "Read-backs done before re-sending from the checkpoint.");
        Failures = factory.CreateCounter("edge_readback_failures_total", "Read-backs that failed (Kafka unreachable); each is retried after the egress's backoff, nothing is sent meanwhile.");
        Seconds = factory.CreateHistogram("edge_readback_seconds", "Time a read-back took.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });
    }

    public Counter Skipped { get; }

    public Counter Unproven { get; }

    public Counter Runs { get; }

    public Counter Failures { get; }

    public Histogram Seconds { get; }
}
