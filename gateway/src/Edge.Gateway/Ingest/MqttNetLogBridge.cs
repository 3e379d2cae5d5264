using System.Security.Authentication;
using Edge.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using MQTTnet.Diagnostics.Logger;

namespace Edge.Gateway.Ingest;

/// <summary>
/// Receives MQTTnet's own log: forwards warnings and errors at Debug level, and counts failed TLS handshakes
/// (e.g. plain TCP or an untrusted peer on the TLS port), which MQTTnet handles before the gateway sees a
/// connection. Verbose messages are dropped at once: MQTTnet logs per packet.
/// </summary>
internal sealed partial class MqttNetLogBridge : IMqttNetLogger
{
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private long _lastTlsLogMs = long.MinValue / 2;

    public MqttNetLogBridge(GatewayMetrics metrics, ILogger logger)
    {
        _metrics = metrics;
        _logger = logger;
    }

    public bool IsEnabled => true;

    public void Publish(MqttNetLogLevel logLevel, string source, string message, object[] parameters, Exception exception)
    {
        if (logLevel < MqttNetLogLevel.Warning)
        {
            return;
        }

        if (IsTlsHandshakeFailure(exception))
        {
            _metrics.ConnectionRefused("tls_handshake_failed");
            var now = Environment.TickCount64;
            if (now - Interlocked.Read(ref _lastTlsLogMs) >= 60_000)
            {
                Interlocked.Exchange(ref _lastTlsLogMs, now);
                LogTlsFailed(exception.GetBaseException().Message);
            }

            return;
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var text = parameters is { Length: > 0 } ? string.Format(System.Globalization.CultureInfo.InvariantCulture, message, parameters) : message;
            LogMqttNet(source, text, exception);
        }
    }

    private static bool IsTlsHandshakeFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                // A client certificate the gateway rejected is counted and logged by its own check (untrusted_client_certificate).
                return !e.Message.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal);
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A TLS handshake on the MQTT TLS port failed ({Problem}): a plain-TCP client on the TLS port, or an untrusted peer. Further failures are counted (edge_refusals_total) and logged at most once a minute")]
    private partial void LogTlsFailed(string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTTnet {Source}: {Text}")]
    private partial void LogMqttNet(string source, string text, Exception? exception);
}
