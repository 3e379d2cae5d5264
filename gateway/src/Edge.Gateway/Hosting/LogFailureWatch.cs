using Edge.Gateway.Log;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Hosting;

/// <summary>
/// What the gateway does after an I/O error (EIO: a failing SD card) failed its log. Retrying in-process is unsafe:
/// after a failed fsync Linux may drop the dirty pages and mark them clean, so a second fsync "succeeds" for data
/// that is gone; only re-reading the disk (recovery, at the next start) tells what is there. Exiting at once would
/// stop Kafka egress from sending what is safely on disk and hide the error from the status page and /metrics. So:
/// publishes are refused (the ingest does that: nothing is acknowledged), the error is shown (status page,
/// <c>edge_log_io_error</c>, /readyz, a critical log line), egress keeps draining, and once Kafka has everything on
/// disk (or after ten times the hold, whatever is left stays on disk for the next start) and at least
/// <c>Storage:IoErrorExitSeconds</c> after the error, the process exits with 74 so that systemd restarts it and
/// recovery re-reads the log. A transient fault heals there; a dead card fails the first write again, slowly.
/// A full disk is not an I/O error: the log refuses appends and resumes by itself (<see cref="AppendStatus.DiskFull"/>).
/// </summary>
internal sealed partial class LogFailureWatch(IDurableLog log, GatewaySettings settings, IHostApplicationLifetime lifetime, ILogger<LogFailureWatch> logger, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hold = TimeSpan.FromSeconds(settings.Storage.IoErrorExitSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        long? since = null;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var stats = log.GetStats();
                if (since is null)
                {
                    if (stats.WriteFailure is not { } failure)
                    {
                        continue;
                    }

                    since = time.GetTimestamp();
                    LogIoError(failure, stats.UnacknowledgedRecords, settings.Storage.IoErrorExitSeconds);
                }

                var elapsed = time.GetElapsedTime(since.Value);
                if (elapsed >= hold && (stats.UnacknowledgedRecords == 0 || elapsed >= hold * 10))
                {
                    LogExiting(stats.UnacknowledgedRecords);
                    Environment.ExitCode = ExitCodes.IoError;
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "STORAGE I/O ERROR in Storage:Path ({Failure}): publishes are refused, nothing more is acknowledged; Kafka egress keeps sending the {Records} records on disk, then (at least {Seconds} s from now) the gateway exits with 74 so that systemd restarts it and recovery re-reads the log. Check the SD card (dmesg).")]
    private partial void LogIoError(string failure, long records, int seconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "STORAGE I/O ERROR: exiting with 74 for a restart and recovery ({Records} records still waiting for Kafka stay on disk)")]
    private partial void LogExiting(long records);
}
