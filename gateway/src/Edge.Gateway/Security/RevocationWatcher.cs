using Edge.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Security;

/// <summary>
/// 'device revoke' and 'device add --rotate' rewrite devices.json; a one-stat-per-second poll notices and disconnects
/// connections whose credential is no longer valid (MQTT 5 DISCONNECT 0x87; 3.1.1: socket closed). A version of the file
/// the store rejects (a half-finished hand edit) leaves the last good credentials in force: logged when it appears (and
/// once a minute while it stays), shown as edge_device_credentials_file_valid 0.
/// </summary>
internal sealed partial class RevocationWatcher : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly DeviceCredentialStore _credentials;
    private readonly ConnectionAuthenticator _authenticator;
    private readonly GatewayMetrics _metrics;
    private readonly RefusalLogThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly ILogger<RevocationWatcher> _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _watch;

    public RevocationWatcher(DeviceCredentialStore credentials, ConnectionAuthenticator authenticator, GatewayMetrics metrics, RefusalLogThrottle throttle, TimeProvider time, ILogger<RevocationWatcher> logger)
    {
        _credentials = credentials;
        _authenticator = authenticator;
        _metrics = metrics;
        _throttle = throttle;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts polling; invalidated connections are disconnected from <paramref name="server"/>.</summary>
    public void Start(MqttServer server) => _watch = WatchAsync(server, _stop.Token);

    /// <summary>Stops polling and waits for the poll loop to end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_watch is not null)
        {
            await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stop.Dispose();

    private async Task WatchAsync(MqttServer server, CancellationToken cancellationToken)
    {
        var valid = Prometheus.Metrics.WithCustomRegistry(_metrics.Registry).CreateGauge(
            "edge_device_credentials_file_valid", "1 while devices.json as it is now was loaded; 0 while its current version is rejected and the last good credentials stay in force");
        valid.Set(1);
        string? reported = null;
        var checkedGeneration = _credentials.Generation;
        using var timer = new PeriodicTimer(PollInterval, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            // A login between two polls may have loaded the new file already: act on any change since the last check.
            _credentials.RefreshIfChanged();
            var generation = _credentials.Generation;
            if (generation != checkedGeneration)
            {
                checkedGeneration = generation;
                await DisconnectInvalidatedAsync(server).ConfigureAwait(false);
            }

            var problem = _credentials.Problem;
            valid.Set(problem is null ? 1 : 0);
            if (problem is null && reported is not null)
            {
                LogCredentialsReadable(_credentials.FilePath);
            }
            else if (problem is not null)
            {
                var due = _throttle.ShouldLog("|credentials-file"); // Always called: a new problem also starts the minute.
                if (due || problem != reported)
                {
                    LogCredentialsUnreadable(_credentials.FilePath, problem);
                }
            }

            reported = problem;
        }
    }

    private async Task DisconnectInvalidatedAsync(MqttServer server)
    {
        foreach (var clientId in _authenticator.TakeInvalidated())
        {
            _metrics.ConnectionRefused("revoked_while_connected");
            LogDisconnectedRevoked(clientId);
            try
            {
                await server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions
                {
                    ReasonCode = MqttDisconnectReasonCode.NotAuthorized,
                    ReasonString = "device revoked or its secret rotated",
                }).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnected '{ClientId}': revoked, or its secret rotated, in the device credentials file")]
    private partial void LogDisconnectedRevoked(string clientId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Device credentials file {File} is invalid ({Problem}); keeping the credentials loaded before until it is fixed")]
    private partial void LogCredentialsUnreadable(string file, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device credentials file {File} is valid again and loaded")]
    private partial void LogCredentialsReadable(string file);
}
