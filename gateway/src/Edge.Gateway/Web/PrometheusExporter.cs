using Edge.Gateway.Diagnostics;
using Edge.Gateway.Egress;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Prometheus;

namespace Edge.Gateway.Web;

/// <summary>
/// Publishes the gateway's counters and the log's statistics as Prometheus metrics (names <c>edge_*</c>), refreshed
/// on every scrape from the live counters (no second bookkeeping on the hot paths).
/// </summary>
internal sealed class PrometheusExporter
{
    public PrometheusExporter(GatewayMetrics metrics, IDurableLog log, KafkaEgressService egress, GatewaySettings settings, FlashWear wear)
    {
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        var connections = factory.CreateGauge("edge_mqtt_connections", "MQTT clients connected now.");
        var accepted = factory.CreateCounter("edge_mqtt_messages_accepted_total", "Device messages made durable (QoS 1/2) or queued for the next commit (QoS 0).", "qos");
        var refusals = factory.CreateCounter("edge_refusals_total", "Connections and publishes refused, by reason.", "reason");
        var delivered = factory.CreateCounter("edge_kafka_records_delivered_total", "Records Kafka acknowledged as persisted (re-sends included).");
        var deliveryErrors = factory.CreateCounter("edge_kafka_delivery_errors_total", "Failed Kafka deliveries (each is re-sent from the log).");
        var rewinds = factory.CreateCounter("edge_kafka_rewinds_total", "Times egress re-read the log from the first unacknowledged record.");
        var deadLetters = factory.CreateCounter("edge_kafka_dead_letters_total", "Records Kafka refused for good, persisted in Kafka:DeadLetterTopic instead, by librdkafka error.", "error");
        var deadLetterFailures = factory.CreateCounter("edge_kafka_dead_letter_failures_total", "Dead-letter deliveries that failed; egress stalls at such a record until one succeeds.");
        var stalled = factory.CreateGauge("edge_kafka_egress_stalled", "1 while records wait and Kafka, though reachable, acknowledged none for Kafka:StallSeconds.");
        var reachable = factory.CreateGauge("edge_kafka_reachable", "1 while the Kafka producer reaches a broker, else 0.");
        var depthRecords = factory.CreateGauge("edge_log_unacknowledged_records", "Records in the log not yet acknowledged by Kafka.");
        var depthBytes = factory.CreateGauge("edge_log_retained_bytes", "Bytes of log segments on disk.");
        factory.CreateGauge("edge_log_max_bytes", "Storage:MaxBytes, the log's cap.").Set(settings.Storage.MaxBytes);
        var oldestAge = factory.CreateGauge("edge_log_oldest_unacknowledged_age_seconds", "Age of the oldest record Kafka has not acknowledged; 0 when none.");
        var bytesWritten = factory.CreateCounter("edge_log_bytes_written_total", "Bytes written to the log's storage (flash wear).");
        var fsyncs = factory.CreateCounter("edge_log_fsyncs_total", "fsync calls on the log's storage (flash wear).");
        var dropped = factory.CreateCounter("edge_log_dropped_records_total", "Records dropped by Storage:WhenFull=DropOldest (lost).");
        var corrupt = factory.CreateCounter("edge_log_corrupt_records_skipped_total", "Corrupt records skipped inside sealed segments.");
        var tornCut = factory.CreateCounter("edge_log_torn_tail_records_cut_total", "Torn records cut from the tail at recovery.");
        var diskFull = factory.CreateGauge("edge_log_disk_full", "1 while the file system of Storage:Path is full (ENOSPC): publishes are refused, egress keeps freeing space.");
        var diskFullEvents = factory.CreateCounter("edge_log_disk_full_events_total", "Writes that met a full file system (each rolled back; nothing acknowledged is lost).");
        var flashWritten = factory.CreateCounter("edge_storage_bytes_written_total", "Flash the log programmed, in whole 4 KiB pages (each commit rewrites the page it ends in): what wears the SD card.");
        var flashPerDay = factory.CreateGauge("edge_storage_bytes_per_day", "edge_storage_bytes_written_total per day at the rate of the last ~10 minutes.");
        var cardYears = factory.CreateGauge("edge_storage_predicted_card_life_years", "Years until the rated endurance of Storage:CardClass (or Storage:CardEnduranceTbw) is used up at the current rate (x4 assumed write amplification, see docs/operations.md); -1 while nothing is written.", "card");
        var ioError = factory.CreateGauge("edge_log_io_error", "1 after an I/O error (EIO) failed the log: publishes are refused until the restart that follows.");

        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            connections.Set(metrics.ConnectedClients);
            accepted.WithLabels("0").IncTo(metrics.AcceptedQos0);
            accepted.WithLabels("1+").IncTo(metrics.Accepted - metrics.AcceptedQos0);
            foreach (var (reason, count) in metrics.RefusalsByReason())
            {
                refusals.WithLabels(reason).IncTo(count);
            }

            delivered.IncTo(metrics.Delivered);
            deliveryErrors.IncTo(metrics.DeliveryErrors);
            rewinds.IncTo(metrics.Rewinds);
            reachable.Set(egress.KafkaReachable ? 1 : 0);
            foreach (var (error, count) in metrics.DeadLetters)
            {
                deadLetters.WithLabels(error).IncTo(count);
            }

            deadLetterFailures.IncTo(metrics.DeadLetterFailures);

            var stats = log.GetStats();
            stalled.Set(egress.IsStalled(stats.UnacknowledgedRecords) ? 1 : 0);
            depthRecords.Set(stats.UnacknowledgedRecords);
            depthBytes.Set(stats.RetainedBytes);
            oldestAge.Set(stats.OldestUnacknowledgedTimestampMs is { } oldest
                ? Math.Max(0, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - oldest) / 1000.0)
                : 0);
            bytesWritten.IncTo(stats.BytesWritten);
            fsyncs.IncTo(stats.Fsyncs);
            dropped.IncTo(stats.DroppedRecords);
            corrupt.IncTo(stats.CorruptRecordsSkipped);
            tornCut.IncTo(stats.TornTailRecordsCut);
            diskFull.Set(stats.DiskFull ? 1 : 0);
            diskFullEvents.IncTo(stats.DiskFullEvents);
            ioError.Set(stats.WriteFailure is null ? 0 : 1);
            flashWritten.IncTo(stats.FlashBytesWritten);
            var (perDay, years) = wear.Estimate(stats.FlashBytesWritten);
            flashPerDay.Set(perDay);
            cardYears.WithLabels(wear.Card).Set(years is { } y && double.IsFinite(y) ? y : -1);
        });
    }
}
