using System.Diagnostics;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Ingest;

/// <summary>
/// Counts and reports how the ingest's appends end: accepted (with the durable append's latency), refused because the
/// log or its file system is full (a warning at most every 10 s), too large, or failed (the log's I/O error, reported
/// once; Hosting.LogFailureWatch decides when the process exits). Thread-safe.
/// </summary>
internal sealed partial class AppendOutcomes
{
    private readonly GatewayMetrics _metrics;
    private readonly MqttOptions _mqtt;
    private readonly ILogger _logger;
    private int _logFailed;
    private long _lastFullLogMs = long.MinValue / 2;

    public AppendOutcomes(GatewayMetrics metrics, MqttOptions mqtt, ILogger logger)
    {
        _metrics = metrics;
        _mqtt = mqtt;
        _logger = logger;
    }

    /// <summary>A message appended (QoS 1/2: fsynced; <paramref name="startedTimestamp"/> then times the append, 0 for QoS 0).</summary>
    public void Accepted(string clientId, int qos, long bytes, long startedTimestamp)
    {
        if (qos > 0 && startedTimestamp != 0)
        {
            _metrics.DurableAppendSeconds.Observe(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
        }

        _metrics.MessageAccepted(clientId, qos, bytes);
    }

    /// <summary>Log at Storage:MaxBytes or its file system full: backpressure, nothing written.</summary>
    public void Full(AppendStatus status, string clientId, bool isV5, int qos)
    {
        _metrics.MessageRefusedFull(qos);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastFullLogMs);
        if (now - last >= 10_000 && Interlocked.CompareExchange(ref _lastFullLogMs, now, last) == last)
        {
            // While the log is full every publish is refused: say so every 10 s, not per message.
            LogFull(status == AppendStatus.DiskFull ? "the file system of Storage:Path is full" : "Storage:MaxBytes", clientId, isV5 ? "PUBACK 0x97 quota exceeded" : "connection closed without PUBACK", _metrics.RefusedFull);
        }
    }

    /// <summary>A payload above Mqtt:MaxPayloadBytes (or a record the log refuses as too large).</summary>
    public void TooLarge(string clientId, long bytes)
    {
        _metrics.MessageRefusedTooLarge();
        LogTooLarge(clientId, bytes, _mqtt.MaxPayloadBytes);
    }

    /// <summary>A refusal for any other reason (an extension refused the message).</summary>
    public void Refused() => _metrics.MessageRefusedError();

    /// <summary>The log could not make the message durable (its I/O error): never acknowledged.</summary>
    public void Failed(Exception exception)
    {
        _metrics.MessageRefusedError();
        if (Interlocked.Exchange(ref _logFailed, 1) == 0)
        {
            LogLogFailed(exception);
        }
    }

    /// <summary>The exceptions by which the log says a record is not durable.</summary>
    public static bool IsLogFailure(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or ObjectDisposedException or InvalidOperationException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Bytes}-byte publish from {ClientId}: Mqtt:MaxPayloadBytes is {Max}; connection closed")]
    private partial void LogTooLarge(string clientId, long bytes, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log full ({Reason}): refusing publishes, e.g. from {ClientId} ({Response}); devices resend once Kafka drains the log. Refused so far: {Refused}")]
    private partial void LogFull(string reason, string clientId, string response, long refused);

    [LoggerMessage(Level = LogLevel.Critical, Message = "STORAGE I/O ERROR: the durable log failed (a failing SD card?); refusing publishes")]
    private partial void LogLogFailed(Exception exception);
}
