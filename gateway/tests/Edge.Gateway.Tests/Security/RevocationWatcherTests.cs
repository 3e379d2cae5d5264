using System.Net;
using Edge.Gateway.Security;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Server;

namespace Edge.Gateway.Tests.Security;

/// <summary>
/// <see cref="RevocationWatcher"/> with a real MQTTnet broker (it disconnects through one) whose logins go through a
/// real <c>ConnectionAuthenticator</c>; devices.json is changed as the CLI changes it, from a second store, and the
/// poll's clock is faked: each <c>Advance</c> of a second is one poll.
/// </summary>
public sealed class RevocationWatcherTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly SecurityParts _parts = new(allowAnonymous: false);
    private readonly MqttServer _server;
    private readonly RevocationWatcher _watcher;
    private readonly int _port = FreeTcpPort.Next();

    public RevocationWatcherTests()
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(_port)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.ValidatingConnectionAsync += e => { _parts.Authenticator.Validate(e); return Task.CompletedTask; };
        _server.ClientDisconnectedAsync += e => { _parts.Authenticator.OnDisconnected(e.ClientId, e.DisconnectType); return Task.CompletedTask; };
        _watcher = new RevocationWatcher(_parts.Store, _parts.Authenticator, _parts.Metrics, new RefusalLogThrottle(), _parts.Time, NullLogger<RevocationWatcher>.Instance);
    }

    [Fact]
    public async Task Poll_DeviceRevokedOrRotatedWhileConnected_DisconnectedWith0x87OthersStay()
    {
        var (revoked, revokedReason) = await ConnectAsync("dev-r");
        var (rotated, rotatedReason) = await ConnectAsync("dev-o");
        var (kept, keptReason) = await ConnectAsync("dev-k");

        _parts.Cli.Revoke("dev-r");
        _parts.Cli.Add("dev-o", rotate: true);
        _parts.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, await revokedReason.Task.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, await rotatedReason.Task.WaitAsync(Wait, TestContext.Current.CancellationToken));
        await kept.PingAsync(TestContext.Current.CancellationToken); // the broker answers it: still connected
        Assert.False(keptReason.Task.IsCompleted);
        Assert.Equal(2, _parts.Metrics.Refusals["connect:revoked_while_connected"]);
        revoked.Dispose();
        rotated.Dispose();
        kept.Dispose();
    }

    [Fact]
    public async Task Poll_CredentialsFileCorruptedThenFixed_LastGoodCredentialsStayThenChangesArePickedUpAgain()
    {
        var (device, reason) = await ConnectAsync("dev-a");
        var good = await File.ReadAllBytesAsync(_parts.Store.FilePath, TestContext.Current.CancellationToken);
        await PollAsync(1);

        await File.WriteAllTextAsync(_parts.Store.FilePath, "{\"devices\": [", TestContext.Current.CancellationToken); // a half-finished hand edit
        // Changes are noticed by modification time, and two writes within one clock tick can carry the same one (Linux
        // multigrain timestamps): each hand-written version gets its own.
        SetModified(TimeSpan.FromMinutes(-2));
        await PollAsync(0);
        Assert.NotNull(_parts.Store.Problem);
        await device.PingAsync(TestContext.Current.CancellationToken);
        Assert.False(reason.Task.IsCompleted);

        await File.WriteAllBytesAsync(_parts.Store.FilePath, good, TestContext.Current.CancellationToken);
        SetModified(TimeSpan.FromMinutes(-1));
        await PollAsync(1);
        Assert.Null(_parts.Store.Problem);
        _parts.Cli.Revoke("dev-a");
        _parts.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, await reason.Task.WaitAsync(Wait, TestContext.Current.CancellationToken));
        device.Dispose();
    }

    [Fact]
    public async Task Poll_AnotherDeviceLogsInBetweenTheRevokeAndThePoll_RevokedDeviceStillDisconnected()
    {
        var (revoked, reason) = await ConnectAsync("dev-r");
        var (_, otherReason) = await ConnectAsync("dev-o"); // provisions dev-o
        _parts.Cli.Revoke("dev-r");

        // A login reads devices.json too (the store re-reads it on any change): it must not hide the change from the poll.
        var login = SecurityParts.Connect("dev-n", "dev-n", _parts.Cli.Add("dev-n", rotate: false));
        _parts.Authenticator.Validate(login);
        Assert.Equal(MQTTnet.Protocol.MqttConnectReasonCode.Success, login.ReasonCode);
        _parts.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, await reason.Task.WaitAsync(Wait, TestContext.Current.CancellationToken));
        Assert.False(otherReason.Task.IsCompleted);
        revoked.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _watcher.StopAsync();
        _watcher.Dispose();
        await _server.StopAsync();
        _server.Dispose();
        _parts.Dispose();
    }

    // Provisions the device in the CLI, connects it over MQTT 5 with its secret, starts the watcher on first use.
    private async Task<(IMqttClient Client, TaskCompletionSource<MqttClientDisconnectReason> Reason)> ConnectAsync(string id)
    {
        if (!_server.IsStarted)
        {
            await _server.StartAsync();
            _watcher.Start(_server);
        }

        var secret = _parts.Cli.Add(id, rotate: false);
        var client = new MqttClientFactory().CreateMqttClient();
        var reason = new TaskCompletionSource<MqttClientDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e =>
        {
            reason.TrySetResult(e.Reason);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId(id).WithCredentials(id, secret)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(Wait).Build();
        await client.ConnectAsync(options, TestContext.Current.CancellationToken);
        return (client, reason);
    }

    private void SetModified(TimeSpan fromNow) => File.SetLastWriteTimeUtc(_parts.Store.FilePath, DateTime.UtcNow + fromNow);

    // One poll (the fake clock's second); waits until the poll set the credentials file gauge to the expected value.
    private async Task PollAsync(double expected)
    {
        _parts.Time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.TrueAsync(
            async () => await SecurityParts.SampleAsync(_parts.Metrics, "edge_device_credentials_file_valid") == expected,
            Wait,
            $"the poll to set edge_device_credentials_file_valid to {expected}");
    }
}
