extern alias meadow;

using System.Collections.Concurrent;
using Edge.Protocol.Commands;
using meadow::Edge.Device.Meadow;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// A command produced into Kafka reaches devices nobody wrote for this test: one on the Meadow SDK (host build, MQTTnet),
/// and a third-party device made of Debian's <c>mosquitto_sub</c> and <c>mosquitto_pub</c>, provisioned with a secret,
/// that acks by hand with the bytes docs/protocol.md describes. Real gateway process, mock cluster over TCP.
/// </summary>
public sealed class CommandPeerTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("edge-cmd-peers-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Produce_ConnectedMeadowSdkDevice_ExecutedOnceResultOk()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        var executed = new ConcurrentQueue<string>();
        await using var device = EdgeDevice.Create(MeadowOptions(rig.Gateway.Port, "meadow-01", _dir.FullName));
        device.OnCommand("reboot", (command, _) =>
        {
            executed.Enqueue(command.Id + " " + command.ArgsToJson());
            return Task.FromResult<string?>("rebooting in 30 s");
        });
        await device.StartAsync();
        await Eventually.TrueAsync(() => device.IsConnected, Patience, "the Meadow device to connect");

        await rig.ProduceAsync("meadow-01", """{"id": "m-17", "name": "reboot", "args": {"seconds": 30}, "ttl_s": 600}""");

        var result = Assert.Single(rig.Results(1));
        Assert.Equal(("meadow-01", "m-17", "ok", "rebooting in 30 s"), (result.Key, result.Id, result.Status, result.Message));
        Assert.Equal(["m-17 {\"seconds\":30}"], executed);
    }

    [Fact]
    public async Task Produce_MosquittoClientsDeviceProvisioned_ReceivesItAcksByHandResultOk()
    {
        var sub = Requirements.Tool("mosquitto_sub");
        var pub = Requirements.Tool("mosquitto_pub");
        using var rig = new CommandRig(1, "--Mqtt:AllowAnonymous=false");
        var secret = await Security.DeviceSecurityTests.ProvisionAsync(rig.Gateway, "shell-01");
        await rig.StartAsync();
        string[] login = ["-h", "127.0.0.1", "-p", rig.Gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "shell-01", "-u", "shell-01", "-P", secret, "-V", "5"];

        // Produced before the device is online: it waits on the gateway and goes out at the SUBSCRIBE.
        await rig.ProduceAsync("shell-01", """{"id": "sh-1", "name": "reboot", "args": {"seconds": 30}}""");
        var received = await ToolRun.RunAsync(sub, [.. login, "-q", "1", "-t", "edge/v1/shell-01/cmd/#", "-C", "1", "-F", "%t %x"], Patience);
        Assert.True(received.ExitCode == 0, received.Describe() + rig.Diagnostics);
        var (topic, hex) = (received.StandardOutput.Trim().Split(' ')[0], received.StandardOutput.Trim().Split(' ')[1]);
        Assert.Equal("edge/v1/shell-01/cmd/reboot", topic);
        var payload = Convert.FromHexString(hex);
        var command = EdgeCommandCodec.DecodeCommand(payload, 0, payload.Length);
        Assert.Equal(("sh-1", "{\"seconds\":30}"), (command.Id, command.ArgsToJson()));

        // The ack, written by hand as docs/protocol.md lays it out: map(3) "id" text, "ok" true, "msg" text.
        var ack = Path.Combine(_dir.FullName, "ack.cbor");
        await File.WriteAllBytesAsync(ack, Convert.FromHexString("a3" + "626964" + "64" + Convert.ToHexString("sh-1"u8) + "626f6b" + "f5" + "636d7367" + "66" + Convert.ToHexString("by sh!"u8)));
        var acked = await ToolRun.RunAsync(pub, [.. login, "-q", "1", "-t", "edge/v1/shell-01/cmd-ack", "-f", ack], Patience);
        Assert.True(acked.ExitCode == 0, acked.Describe() + rig.Diagnostics);

        var result = Assert.Single(rig.Results(1));
        Assert.Equal(("shell-01", "sh-1", "ok", "by sh!"), (result.Key, result.Id, result.Status, result.Message));
    }

    /// <summary>A Meadow SDK device for the gateway on <paramref name="port"/>, its queue (and executed ids) in <paramref name="folder"/>.</summary>
    internal static EdgeDeviceOptions MeadowOptions(int port, string deviceId, string folder) => new()
    {
        DeviceId = deviceId,
        Host = "127.0.0.1",
        Port = port,
        QueueDirectory = folder,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        KeepAlive = TimeSpan.FromSeconds(5),
        OperationTimeout = TimeSpan.FromSeconds(10),
    };
}
