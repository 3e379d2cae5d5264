using Edge.Gateway.Commands;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Gateway.Tests.Commands;

/// <summary>The command store alone, on real files (a DurableLog for it and one for the gateway): recovery, the outbox, carrying records forward.</summary>
public sealed class CommandStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("edge-cmdstore-");
    private readonly GatewaySettings _settings = new();

    public CommandStoreTests()
    {
        _settings.Storage.Path = _dir.FullName;
        _settings.Gateway.Id = "gw-test";
    }

    [Fact]
    public async Task Reopen_AfterQueueAndFinish_WaitingCommandsInOrderFinishedOnesNotBackResultInGatewayLog()
    {
        await using var gatewayLog = DurableLog.Open(new DurableLogOptions { Directory = Path.Combine(_dir.FullName, "gateway") });
        await using (var store = Open(gatewayLog))
        {
            foreach (var id in new[] { "c-1", "c-2", "c-3" })
            {
                Assert.Equal(QueueOutcome.Queued, store.TryQueue(Request("dev", id), 1000, long.MaxValue / 2, 0, 0, out var durable));
                Assert.Equal(AppendStatus.Appended, await durable);
            }

            Assert.Equal(FinishOutcome.Finished, await store.FinishAsync("dev", "c-2", CommandStatus.Ok, "done", 2000));
            Assert.Equal(FinishOutcome.NotPending, await store.FinishAsync("dev", "c-2", CommandStatus.Ok, "again", 2001)); // a repeated ack
        }

        await using (var store = Open(gatewayLog))
        {
            Assert.Equal(["c-1", "c-3"], store.Deliverable("dev").Select(c => c.Id));
            Assert.Equal(QueueOutcome.Duplicate, store.TryQueue(Request("dev", "c-2"), 3000, long.MaxValue / 2, 0, 0, out _)); // remembered
        }

        using var reader = gatewayLog.OpenReader(0);
        var results = new List<IngestRecord>();
        while (reader.TryRead(out var record))
        {
            results.Add(IngestRecord.Decode(record.Payload));
        }

        var result = Assert.Single(results);
        Assert.Equal(("dev", GatewayTopics.CommandResult), (result.ClientId, result.Topic));
        Assert.Contains("\"id\":\"c-2\"", System.Text.Encoding.UTF8.GetString(result.Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Maintain_OldCommandsPinTheStore_CarriedForwardCheckpointMovesOrderKeptAfterReopen()
    {
        _settings.Kafka.Commands.StoreMaxBytes = 4 << 20;
        await using var gatewayLog = DurableLog.Open(new DurableLogOptions { Directory = Path.Combine(_dir.FullName, "gateway") });
        var args = new byte[30_000];
        args[0] = 0x59; // CBOR byte string head (2-byte length), then the bytes
        args[1] = (byte)((args.Length - 3) >> 8);
        args[2] = (byte)(args.Length - 3);
        await using (var store = Open(gatewayLog))
        {
            foreach (var id in new[] { "old-1", "old-2" })
            {
                Assert.Equal(QueueOutcome.Queued, store.TryQueue(Request("slow", id), 1000, long.MaxValue / 2, 0, 0, out var durable));
                await durable;
            }

            // Commands that come and go behind them: without carrying forward, the two old ones pin every segment.
            for (var i = 0; store.Log.GetStats().RetainedBytes <= _settings.Kafka.Commands.StoreMaxBytes / 2; i++)
            {
                Assert.Equal(QueueOutcome.Queued, store.TryQueue(Request("busy", $"b-{i}", args), 1000, long.MaxValue / 2, 0, 0, out var durable));
                await durable;
                Assert.Equal(FinishOutcome.Finished, await store.FinishAsync("busy", $"b-{i}", CommandStatus.Ok, null, 1001));
            }

            var before = store.Log.GetStats();
            await store.MaintainAsync(CancellationToken.None);
            var after = store.Log.GetStats();
            Assert.True(after.CheckpointOffset > before.CheckpointOffset, $"checkpoint {before.CheckpointOffset} -> {after.CheckpointOffset}");
            Assert.True(after.RetainedBytes < before.RetainedBytes, $"retained {before.RetainedBytes} -> {after.RetainedBytes}");
        }

        await using (var store = Open(gatewayLog))
        {
            Assert.Equal(["old-1", "old-2"], store.Deliverable("slow").Select(c => c.Id));
            Assert.Empty(store.Deliverable("busy"));
        }
    }

    public void Dispose()
    {
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static CommandRequest Request(string device, string id, byte[]? args = null) => new(device, id, "blink", args ?? [], null, null);

    private CommandStore Open(IDurableLog gatewayLog)
        => CommandStore.Open(_settings, gatewayLog, TimeProvider.System, new CommandMetrics(new GatewayMetrics()), NullLogger.Instance);
}
