using System.Globalization;
using System.Net.Sockets;
using Edge.Gateway.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Hosting;

/// <summary>
/// Feeds systemd's watchdog (<c>WatchdogSec=</c> in gateway/deploy/edge-gateway.service): every half of
/// <c>$WATCHDOG_USEC</c> it sends <c>WATCHDOG=1</c> over <c>$NOTIFY_SOCKET</c>, but only while the pipeline behind the
/// PUBACKs moves (<see cref="IPipelineHealth"/>: the log writer's fsyncs complete, the egress loops beat, each within
/// half the watchdog timeout). A log writer stuck in fsync or a hung egress loop stops the pings, and systemd kills and
/// restarts the gateway at most 1.5 × <c>WatchdogSec</c> after the stall began. Outside systemd (no <c>$WATCHDOG_USEC</c>, or a
/// <c>$WATCHDOG_PID</c> naming another process) it does nothing. READY=1 and STOPPING=1 are sent by
/// Microsoft.Extensions.Hosting.Systemd (<c>AddSystemd()</c>), not here.
/// </summary>
internal sealed partial class SystemdWatchdogService : BackgroundService
{
    private static readonly byte[] Ping = "WATCHDOG=1"u8.ToArray();

    private readonly ILogger<SystemdWatchdogService> _logger;
    private readonly TimeProvider _time;
    private readonly IPipelineHealth _health;
    private readonly string? _notifySocket;
    private readonly TimeSpan _interval;

    /// <summary>Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment (set by systemd).</summary>
    public SystemdWatchdogService(ILogger<SystemdWatchdogService> logger, TimeProvider time, IPipelineHealth health)
        : this(
            logger,
            time,
            health,
            Environment.GetEnvironmentVariable("NOTIFY_SOCKET"),
            Environment.GetEnvironmentVariable("WATCHDOG_USEC"),
            Environment.GetEnvironmentVariable("WATCHDOG_PID"))
    {
    }

    /// <summary>For tests: the three systemd variables given explicitly (null = unset).</summary>
    internal SystemdWatchdogService(ILogger<SystemdWatchdogService> logger, TimeProvider time, IPipelineHealth health, string? notifySocket, string? watchdogUsec, string? watchdogPid)
    {
        _logger = logger;
        _time = time;
        _health = health;
        _interval = PingInterval(notifySocket, watchdogUsec, watchdogPid, Environment.ProcessId);
        _notifySocket = _interval > TimeSpan.Zero ? notifySocket : null;
    }

    /// <summary>True when systemd asked this process for watchdog pings.</summary>
    internal bool Enabled => _notifySocket is not null;

    /// <summary>Half the watchdog timeout (what sd_watchdog_enabled(3) recommends), or zero when disabled.</summary>
    internal static TimeSpan PingInterval(string? notifySocket, string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (string.IsNullOrEmpty(notifySocket)
            || !long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec)
            || usec <= 0)
        {
            return TimeSpan.Zero;
        }

        // WATCHDOG_PID names the process the watchdog is meant for; a child that inherited it must not ping.
        if (!string.IsNullOrEmpty(watchdogPid)
            && (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId))
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromMicroseconds(usec / 2.0);
    }

    /// <summary>"@name" is a socket in the abstract namespace (a leading NUL byte); anything else is a file path.</summary>
    internal static UnixDomainSocketEndPoint EndPoint(string notifySocket)
        => new(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_notifySocket is null)
        {
            return;
        }

        LogEnabled(_logger, _interval.TotalSeconds, _notifySocket);
        var endPoint = EndPoint(_notifySocket);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        using var timer = new PeriodicTimer(_interval, _time);
        var failing = false;
        string? stall = null;
        do
        {
            // The pipeline is checked against the ping interval: a stall that outlasts it withholds this ping.
            var found = _health.FindStall(_interval);
            if (found is not null)
            {
                if (stall is null)
                {
                    LogWithholding(_logger, found);
                }

                stall = found;
                continue;
            }

            if (stall is not null)
            {
                LogPipelineMoving(_logger);
                stall = null;
            }

            try
            {
                await socket.SendToAsync(Ping, SocketFlags.None, endPoint, stoppingToken);
                if (failing)
                {
                    LogRecovered(_logger);
                    failing = false;
                }
            }
            catch (SocketException e)
            {
                // Keep trying: systemd restarts the gateway if the pings stay missing, which is the point.
                if (!failing)
                {
                    LogSendFailed(_logger, _notifySocket, e);
                    failing = true;
                }
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd watchdog enabled: pinging every {Seconds:0.###} s on {Socket}")]
    private static partial void LogEnabled(ILogger logger, double seconds, string socket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "systemd watchdog ping to {Socket} failed; systemd will restart the gateway if this persists")]
    private static partial void LogSendFailed(ILogger logger, string socket, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Pipeline stalled ({Stall}): withholding systemd watchdog pings, systemd will restart the gateway unless it moves again")]
    private static partial void LogWithholding(ILogger logger, string stall);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline moving again: systemd watchdog pings resume")]
    private static partial void LogPipelineMoving(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "systemd watchdog pings succeed again")]
    private static partial void LogRecovered(ILogger logger);
}
