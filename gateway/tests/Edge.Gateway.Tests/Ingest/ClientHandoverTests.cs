using System.Globalization;
using System.Text;
using Edge.Gateway.Ingest;
using Edge.Gateway.Tests.Commands;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>
/// A client id's next connection never overlaps MQTTnet's clean-up of its last one (<see cref="ClientHandover"/>): the
/// order of the handover's states, and a real gateway whose third-party device disconnects and reconnects with the same id at once, many times.
/// </summary>
public sealed class ClientHandoverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const int Rounds = 12;

    [Fact]
    public async Task StartingAsync_WhileTheIdsLastConnectionEnds_WaitsForItsDisconnectedEvent()
    {
        var handover = new ClientHandover();
        await handover.EndingAsync("dev-1", TestContext.Current.CancellationToken);

        var starting = handover.StartingAsync("dev-1", TestContext.Current.CancellationToken);
        var other = handover.StartingAsync("dev-2", TestContext.Current.CancellationToken);
        await other.WaitAsync(Patience, TestContext.Current.CancellationToken); // another id does not wait
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(starting.IsCompleted, "a login went on while MQTTnet still cleaned up its id's last connection");

        handover.Disconnected("dev-1");
        await starting.WaitAsync(Patience, TestContext.Current.CancellationToken);
        handover.Connected("dev-1");
        handover.Connected("dev-2");
        Assert.Equal(0, handover.Pending);
    }

    [Fact]
    public async Task EndingAsync_WhileTheIdsNextConnectionStarts_WaitsForItAndLeavesNoEndingState()
    {
        var handover = new ClientHandover();
        await handover.StartingAsync("dev-1", TestContext.Current.CancellationToken);

        var ending = handover.EndingAsync("dev-1", TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(ending.IsCompleted, "a DISCONNECT went on while its id's next connection was being set up");

        // The new connection took the old one over: MQTTnet raises no ClientDisconnected that could end an ending state.
        handover.Connected("dev-1");
        await ending.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(0, handover.Pending);
        await handover.StartingAsync("dev-1", TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Disconnected_ConnectionFailedBeforeClientConnected_EndsItsStartingState()
    {
        var handover = new ClientHandover();
        await handover.StartingAsync("dev-1", TestContext.Current.CancellationToken);

        handover.Disconnected("dev-1"); // the CONNACK could not be sent: MQTTnet raises ClientDisconnected only

        Assert.Equal(0, handover.Pending);
        await handover.EndingAsync("dev-1", TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StartingAsync_EndingStateNeverEnded_GoesOnAfterTheLimitAndForgetsIt()
    {
        var handover = new ClientHandover(TimeSpan.FromMilliseconds(100));
        await handover.EndingAsync("dev-1", TestContext.Current.CancellationToken);

        await handover.StartingAsync("dev-1", TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);

        handover.Connected("dev-1");
        Assert.Equal(0, handover.Pending); // a missed event cost one wait, not every later login
    }

    // Each round, the third-party device of CommandPeerTests: mosquitto_sub (a provisioned id) gets a command and exits
    // after its DISCONNECT, and mosquitto_pub with the same id, started right after, acks it. Without the handover
    // MQTTnet 5.2 sometimes ran the first connection's clean-up after it had set up the second, which then closed at once
    // ("The connection was lost", exit 7): 2 of 27 runs of CommandPeerTests on a machine loaded with 4 CPU burners.
    [Fact]
    public async Task Reconnect_MosquittoToolsOneIdOneAfterTheOther_EveryAckIsAcknowledged()
    {
        var sub = Requirements.Tool("mosquitto_sub");
        var pub = Requirements.Tool("mosquitto_pub");
        using var rig = new CommandRig(1, "--Mqtt:AllowAnonymous=false");
        var secret = await Security.DeviceSecurityTests.ProvisionAsync(rig.Gateway, "hand-01");
        await rig.StartAsync();
        string[] login = ["-h", "127.0.0.1", "-p", rig.Gateway.Port.ToString(CultureInfo.InvariantCulture), "-i", "hand-01", "-u", "hand-01", "-P", secret, "-V", "5", "-q", "1"];
        var ack = Path.Combine(rig.Gateway.DataDirectory, "..", $"ack-{Guid.NewGuid():N}.cbor");
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"h-{round}";
            await rig.ProduceAsync("hand-01", CommandRig.Command(id));
            var received = await ToolRun.RunAsync(sub, [.. login, "-t", "edge/v1/hand-01/cmd/#", "-C", "1"], Patience);
            Assert.True(received.ExitCode == 0, received.Describe() + rig.Diagnostics);

            await File.WriteAllBytesAsync(ack, Ack(id), TestContext.Current.CancellationToken);
            var acked = await ToolRun.RunAsync(pub, [.. login, "-t", "edge/v1/hand-01/cmd-ack", "-f", ack], Patience);
            if (acked.ExitCode != 0)
            {
                failures.Add($"round {round}: {acked.Describe()}");
            }
        }

        File.Delete(ack);
        Assert.True(failures.Count == 0, $"{failures.Count} of {Rounds} acks lost their connection:\n{string.Join('\n', failures)}\n{rig.Diagnostics}");
        var results = rig.Results(Rounds);
        Assert.Equal(Enumerable.Range(0, Rounds).Select(r => ($"h-{r}", "ok")), results.Select(r => (r.Id ?? "", r.Status)));
    }

    // docs/protocol.md's cmd-ack: map(2) "id" text, "ok" true.
    private static byte[] Ack(string id) => Convert.FromHexString("a2" + "626964" + (0x60 + id.Length).ToString("x2", CultureInfo.InvariantCulture) + Convert.ToHexString(Encoding.UTF8.GetBytes(id)) + "626f6b" + "f5");
}
