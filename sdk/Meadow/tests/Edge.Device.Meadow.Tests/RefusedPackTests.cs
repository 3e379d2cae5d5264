using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>
/// A pack the broker refuses (MQTT 5 PUBACK with a failure reason) against a real Mosquitto whose ACL denies the
/// device's telemetry topic: Mosquitto answers such a QoS 1 publish with 0x87 not authorized. net8.0 build only (the
/// netstandard2.1 build speaks MQTT 3.1.1, where a refusal has no reason code).
/// </summary>
public sealed class RefusedPackTests : IDisposable
{
    private readonly string _folder = TestDevices.NewQueueFolder();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Publish_NotAuthorized_RetriedBoundedThenRejectedAndCounted_NextPackNotBlocked()
    {
        const string id = "meadow-refused";
        using var broker = await DenyingBrokerAsync(id);
        var options = TestDevices.Options(broker.Port, _folder, id);
        options.MaxBatchReadings = 1;
        options.MaxPermanentRefusals = 3;
        await using var device = EdgeDevice.Create(options);
        await device.StartAsync();

        Assert.True(await device.RecordAsync("temperature", "Cel", 1));
        await Eventually.TrueAsync(() => device.GetStats().RejectedReadings == 1, TestDevices.Patience, "the refused pack given up");
        var stats = device.GetStats();
        Assert.Equal(3, stats.RefusedPublishes);
        Assert.Equal("NotAuthorized", stats.LastRefusal);
        Assert.Equal(0, stats.PendingReadings);
        Assert.Equal(0, stats.SentReadings);

        // The sender is not wedged behind it: the next pack gets its own three attempts.
        Assert.True(await device.RecordAsync("temperature", "Cel", 2));
        await Eventually.TrueAsync(() => device.GetStats().RejectedReadings == 2, TestDevices.Patience, "the second refused pack given up");
        Assert.Equal(6, device.GetStats().RefusedPublishes);
        Assert.True(device.IsConnected);
    }

    [Fact]
    public async Task Publish_NotAuthorizedWithNoLimit_KeptAndRetriedWhileCounted()
    {
        const string id = "meadow-refused-kept";
        using var broker = await DenyingBrokerAsync(id);
        var options = TestDevices.Options(broker.Port, _folder, id);
        options.MaxPermanentRefusals = 0;
        await using var device = EdgeDevice.Create(options);
        await device.StartAsync();

        Assert.True(await device.RecordAsync("temperature", "Cel", 1));
        await Eventually.TrueAsync(() => device.GetStats().RefusedPublishes >= 4, TestDevices.Patience, "four refusals");
        var stats = device.GetStats();
        Assert.Equal(0, stats.RejectedReadings);
        Assert.Equal(1, stats.PendingReadings);
        Assert.Equal("NotAuthorized", stats.LastRefusal);
    }

    private static Task<MosquittoBroker> DenyingBrokerAsync(string deviceId) =>
        MosquittoBroker.StartAsync(extraConfig: directory =>
        {
            var acl = Path.Combine(directory, "acl");
            File.WriteAllLines(acl, ["topic readwrite #", $"topic deny edge/v1/{deviceId}/telemetry"]);
            return [$"acl_file {acl}"];
        });
}
