using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Diagnostics;

/// <summary>Logs one summary line every <c>Gateway:StatusIntervalSeconds</c>: what an installer checks first.</summary>
internal sealed partial class StatusReporter : BackgroundService
{
    private readonly GatewaySettings _settings;
    private readonly GatewayMetrics _metrics;
    private readonly IDurableLog _log;
    private readonly ILogger<StatusReporter> _logger;
    private readonly TimeProvider _time;

    public StatusReporter(GatewaySettings settings, GatewayMetrics metrics, IDurableLog log, ILogger<StatusReporter> logger, TimeProvider time)
    {
        _settings = settings;
        _metrics = metrics;
        _log = log;
        _logger = logger;
        _time = time;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_settings.Gateway.StatusIntervalSeconds <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(_settings.Gateway.StatusIntervalSeconds);
        using var timer = new PeriodicTimer(interval, _time);
        var lastAccepted = _metrics.Accepted;
        var lastDelivered = _metrics.Delivered;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var accepted = _metrics.Accepted;
                var delivered = _metrics.Delivered;
                var stats = _log.GetStats();
                LogStatus(
                    _metrics.ConnectedClients,
                    (accepted - lastAccepted) / interval.TotalSeconds,
                    (delivered - lastDelivered) / interval.TotalSeconds,
                    stats.UnacknowledgedRecords,
                    stats.RetainedBytes / 1024.0,
                    delivered,
                    _metrics.Refused);
                lastAccepted = accepted;
                lastDelivered = delivered;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "devices {Devices} | in {InRate:0} msg/s | to Kafka {OutRate:0} msg/s | log depth {Depth} records ({KiB:0.#} KiB on disk) | delivered {Delivered} | refused {Refused}")]
    private partial void LogStatus(long devices, double inRate, double outRate, long depth, double kib, long delivered, long refused);
}
