extern alias meadow;

using meadow::Edge.Device.Meadow;

namespace Edge.Gateway.Tests.Failover;

/// <summary>
/// Issue 17, two gateways at a site, Meadow SDK (the net8.0 build: MQTTnet 5 and the crash-safe flash queue on
/// Edge.Storage): a device with <see cref="EdgeDeviceOptions.Gateways"/> [A, B] against two real gateway processes into
/// one mock Kafka cluster. A's power cut (SIGKILL) moves it to B with what it queued during the gap; it stays on B when
/// A is back; B's power cut moves it back to A. Every reading reaches Kafka with the device's own (bid, seq). With a
/// single gateway the same readings stay in the queue while A is down.
/// </summary>
public sealed class MeadowFailoverTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _queue = Directory.CreateTempSubdirectory("edge-meadow-failover-");

    public void Dispose() => _queue.Delete(recursive: true);

    [Fact]
    public async Task KillA_GatewaysAB_GapDeliveredThroughBStaysOnBThenBackToAWhenBDies()
    {
        using var site = await TwoGatewaySite.StartAsync();
        var a = $"127.0.0.1:{site.A.Port}";
        var b = $"127.0.0.1:{site.B.Port}";
        await using var device = EdgeDevice.Create(Options("meadow-fo", a, b));
        await device.StartAsync();
        await UntilAsync(() => device.IsConnected, "connected to A");
        Assert.Equal(a, device.GetStats().Gateway);
        var next = 1.0;
        async Task<double[]> RecordAsync(int count)
        {
            var values = new double[count];
            for (var i = 0; i < count; i++)
            {
                values[i] = next++;
                Assert.True(await device.RecordAsync("v", null, values[i])); // durably queued (fsynced) on return
            }

            return values;
        }

        var throughA = await RecordAsync(5);
        await UntilAsync(() => device.GetStats().PendingReadings == 0, "the first readings acknowledged by A");
        // In Kafka before A's power cut: what A acknowledged but had not produced yet stays in its log until it is back.
        await site.WaitForReadingsAsync("meadow-fo", throughA, "through A");

        site.A.Kill(); // powered off; not waiting for the device to notice (it may be on B by then)
        var gap = await RecordAsync(20);
        await UntilAsync(() => device.GetStats() is { IsConnected: true, PendingReadings: 0 } s && s.Gateway == b, "the gap delivered through B: " + device.GetStats().LastConnectError);
        var packs = await site.WaitForReadingsAsync("meadow-fo", [.. throughA, .. gap], "A killed");
        Assert.All(packs.Where(p => p.Values.Any(gap.Contains)), p => Assert.Equal("gw-b", p.Gateway));

        await site.A.StartAsync();
        var reconnects = device.GetStats().Reconnects;
        var whileBIsFine = await RecordAsync(5);
        await UntilAsync(() => device.GetStats().PendingReadings == 0, "readings acknowledged while both gateways are up");
        packs = await site.WaitForReadingsAsync("meadow-fo", whileBIsFine, "A back, B fine");
        Assert.Equal(b, device.GetStats().Gateway);
        Assert.Equal(reconnects, device.GetStats().Reconnects);
        Assert.All(packs.Where(p => p.Values.Any(whileBIsFine.Contains)), p => Assert.Equal("gw-b", p.Gateway));

        site.B.Kill();
        var afterB = await RecordAsync(10);
        await UntilAsync(() => device.GetStats() is { IsConnected: true, PendingReadings: 0 } s && s.Gateway == a, "the readings after B's power cut delivered through A: " + device.GetStats().LastConnectError);
        packs = await site.WaitForReadingsAsync("meadow-fo", [.. throughA, .. gap, .. whileBIsFine, .. afterB], "B killed");
        Assert.All(packs.Where(p => p.Values.Any(afterB.Contains)), p => Assert.Equal("gw-a", p.Gateway));

        // Nothing re-sequenced or lost: one boot id, each (bid, seq) always with the same readings, each value once per identity.
        Assert.All(packs, p => Assert.Equal(device.BootId, p.Bid));
        Assert.All(packs.GroupBy(p => p.Seq), g => Assert.Single(g.Select(p => string.Join(',', p.Values)).Distinct()));
        var unique = packs.DistinctBy(p => p.Seq).SelectMany(p => p.Values).ToList();
        Assert.Equal(40, unique.Count);
        Assert.Equal(40, unique.Distinct().Count());
        Assert.Equal(0, device.GetStats().DroppedReadings);
    }

    [Fact]
    public async Task KillA_SingleGateway_ReadingsStayQueuedWhileBIsUpUntilAIsBack()
    {
        using var site = await TwoGatewaySite.StartAsync();
        await using var device = EdgeDevice.Create(Options("meadow-one", $"127.0.0.1:{site.A.Port}"));
        await device.StartAsync();
        await UntilAsync(() => device.IsConnected, "connected to A");
        site.A.Kill();
        await UntilAsync(() => !device.IsConnected, "the device to notice A is gone");
        for (var v = 1; v <= 5; v++)
        {
            Assert.True(await device.RecordAsync("v", null, v));
        }

        await UntilAsync(() => device.GetStats().LastConnectError is not null, "a failed reconnect to A");
        await Task.Delay(TimeSpan.FromSeconds(3)); // several backoff rounds (100 ms - 500 ms): B stays unused

        Assert.False(device.IsConnected);
        Assert.Equal(5, device.GetStats().PendingReadings);
        Assert.DoesNotContain(site.Packs("meadow-one"), p => p.Values.Length > 0);

        await site.A.StartAsync();
        await UntilAsync(() => device.GetStats().PendingReadings == 0, "delivered once A is back");
        var packs = await site.WaitForReadingsAsync("meadow-one", [1, 2, 3, 4, 5], "A back");
        Assert.All(packs, p => Assert.Equal("gw-a", p.Gateway));
    }

    private EdgeDeviceOptions Options(string id, params string[] gateways)
    {
        var options = new EdgeDeviceOptions
        {
            DeviceId = id,
            QueueDirectory = _queue.FullName,
            BatchInterval = TimeSpan.FromMilliseconds(20),
            MaxBatchReadings = 1, // one pack per reading: each its own (bid, seq)
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            KeepAlive = TimeSpan.FromSeconds(5),
            OperationTimeout = TimeSpan.FromSeconds(10),
        };
        foreach (var gateway in gateways)
        {
            options.Gateways.Add(gateway);
        }

        return options;
    }

    private static Task UntilAsync(Func<bool> condition, string what) => Eventually.TrueAsync(condition, Patience, what);
}
