using Edge.Gateway.Diagnostics;
using Edge.Gateway.Egress;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Edge.Gateway.Web;

/// <summary>
/// The gateway's HTTP surface on <c>Http:Port</c>: the status page (<c>/</c>), its data (<c>/api/status</c>),
/// Prometheus metrics (<c>/metrics</c>), liveness (<c>/healthz</c>) and readiness (<c>/readyz</c>). With <c>Http:Token</c>
/// set, all but the page's HTML and the probes need the bearer token (<see cref="BearerTokenCheck"/>).
/// </summary>
internal static class GatewayEndpoints
{
    private static long _startedMs;

    public static void Map(WebApplication app)
    {
        _startedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var services = app.Services;
        var metrics = services.GetRequiredService<GatewayMetrics>();
        var log = services.GetRequiredService<IDurableLog>();
        var egress = services.GetRequiredService<KafkaEgressService>();
        var settings = services.GetRequiredService<GatewaySettings>();
        var endpoint = services.GetRequiredService<KafkaEndpoint>();
        var credentials = services.GetRequiredService<Security.DeviceCredentialStore>();
        var commands = services.GetService<Commands.CommandStore>(); // null with Kafka:Commands:Enabled=false
        var wear = FlashWearOf(settings);
        _ = new PrometheusExporter(metrics, log, egress, settings, wear);
        if (settings.Http.Token.Length > 0)
        {
            var check = new BearerTokenCheck(settings.Http.Token);
            app.Use(check.InvokeAsync);
        }

        app.MapGet("/", () => Results.Content(StatusPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/api/status", () => Results.Json(Snapshot(metrics, log, egress, settings, endpoint, credentials.Problem, commands, wear), StatusJsonContext.Default.StatusSnapshot));
        app.MapMetrics("/metrics", metrics.Registry);

        // Liveness: the process serves HTTP. systemd's watchdog covers hangs of the rest.
        app.MapGet("/healthz", () => Results.Text("ok\n"));

        // Readiness: Kafka reachable, egress moving and the log below its cap (devices' messages are accepted and drained).
        app.MapGet("/readyz", () =>
        {
            var problems = new List<string>();
            var stats = log.GetStats();
            if (!egress.KafkaReachable)
            {
                problems.Add("kafka unreachable");
            }
            else if (egress.IsStalled(stats.UnacknowledgedRecords))
            {
                // Kafka answers but refuses what waits (e.g. the dead-letter topic refuses a record): distinct from an outage.
                problems.Add($"egress stalled: {stats.UnacknowledgedRecords} records waiting, none acknowledged by Kafka for {egress.Progress.SinceMoved.TotalSeconds:0} s (last error {egress.Progress.LastError})");
            }

            if (stats.RetainedBytes >= settings.Storage.MaxBytes * 0.95)
            {
                problems.Add("log at Storage:MaxBytes");
            }

            if (stats.DiskFull)
            {
                problems.Add("disk full: the file system of Storage:Path has no space");
            }

            if (stats.WriteFailure is { } failure)
            {
                problems.Add("storage I/O error: " + failure);
            }

            return problems.Count == 0
                ? Results.Text("ready\n")
                : Results.Text(string.Join("; ", problems) + "\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }

    /// <summary>The wear estimate for <c>Storage:CardClass</c>, or <c>Storage:CardEnduranceTbw</c> when set.</summary>
    internal static FlashWear FlashWearOf(GatewaySettings settings)
    {
        var card = SdCardClass.Find(settings.Storage.CardClass) ?? SdCardClass.Known[0];
        return settings.Storage.CardEnduranceTbw is { } tbw
            ? new FlashWear($"{card.Name} rated {tbw} TBW (Storage:CardEnduranceTbw)", tbw, TimeProvider.System)
            : new FlashWear(card.Name, card.EnduranceTbw, TimeProvider.System);
    }

    private static StatusSnapshot Snapshot(GatewayMetrics metrics, IDurableLog log, KafkaEgressService egress, GatewaySettings settings, KafkaEndpoint endpoint, string? credentialsProblem, Commands.CommandStore? commands, FlashWear wear)
    {
        var stats = log.GetStats();
        var (perDay, years) = wear.Estimate(stats.FlashBytesWritten);
        var devices = metrics.Devices
            .Select(d => new DeviceStatus(d.Id, d.Connected, d.LastSeenMs, d.Accepted, d.Bytes, d.Waiting))
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToArray();
        return new StatusSnapshot(
            settings.Gateway.Id,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            _startedMs,
            devices,
            new LogStatus(stats.UnacknowledgedRecords, stats.RetainedBytes, settings.Storage.MaxBytes, stats.OldestUnacknowledgedTimestampMs, stats.BytesWritten, stats.Fsyncs, stats.DroppedRecords, stats.DiskFull, stats.WriteFailure)
            {
                FlashBytesWritten = stats.FlashBytesWritten,
                FlashBytesPerDay = perDay,
                Card = wear.Card,
                CardLifeYears = years is { } y && double.IsFinite(y) ? y : null,
            },
            new KafkaStatus(
                egress.KafkaReachable,
                endpoint.IsDevelopment,
                endpoint.BootstrapServers,
                metrics.Delivered,
                metrics.DeliveryErrors,
                metrics.Rewinds,
                egress.IsStalled(stats.UnacknowledgedRecords),
                (long)egress.Progress.SinceMoved.TotalSeconds,
                egress.Progress.LastError,
                settings.Kafka.DeadLetterTopic,
                metrics.DeadLetters.Values.Sum(),
                metrics.DeadLetterFailures),
            metrics.Accepted,
            metrics.Refused,
            credentialsProblem,
            commands?.PendingByDevice() ?? new Dictionary<string, int>());
    }
}
