using Edge.Device.NanoFramework;

namespace Edge.Gateway.Tests.Failover;

/// <summary>
/// Issue 17, two gateways at a site, nanoFramework SDK (host build, the same sources the ESP32 runs): a
/// <see cref="TelemetryRuntime"/> with the list [A, B] and a <see cref="FlashQueue"/> behind a small RAM queue, against two
/// real gateway processes into one mock Kafka cluster. A power cut (SIGKILL) of A moves it to B with what it queued
/// (on flash too) during the gap; it stays on B when A is back; B's power cut moves it back to A. Every reading reaches
/// Kafka with the device's own (bid, seq). With a single-gateway list the same readings stay queued while A is down.
/// </summary>
public sealed class NanoFrameworkFailoverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task KillA_ListAB_GapDeliveredThroughBStaysOnBThenBackToAWhenBDies()
    {
        using var site = await TwoGatewaySite.StartAsync();
        var flash = Directory.CreateTempSubdirectory("edge-nf-failover-");
        try
        {
            using var device = NewDevice("nf-fo", [site.A.Port, site.B.Port], flash.FullName);
            var sensor = device.AddSensor("v", null, null, 0, 0);
            device.Start();
            await UntilAsync(() => device.Client.IsConnected, "connected to A: " + device.Client.LastConnectError);
            Assert.Equal(0, device.Client.GatewayIndex);
            var next = 1.0;
            double[] Report(int count)
            {
                var values = new double[count];
                for (var i = 0; i < count; i++)
                {
                    values[i] = next++;
                    device.Report(sensor, values[i]);
                    device.Flush(); // one pack per reading: each its own (bid, seq)
                }

                return values;
            }

            var throughA = Report(5);
            await UntilAsync(() => device.Client.QueuedMessages == 0, "the first readings acknowledged by A");
            // In Kafka before A's power cut: what A acknowledged but had not produced yet stays in its log until it is back
            // (the "A killed" check below failed that way once, readings 3-5 missing, under a machine load of 26).
            await site.WaitForReadingsAsync("nf-fo", throughA, "through A");

            // A is powered off: what the device queues now (more than its RAM queue holds: the rest goes to flash) must
            // reach Kafka through B.
            // (Not waiting for the device to notice: it may already be on B by then. A is dead, so these cannot reach A.)
            site.A.Kill();
            var gap = Report(20);
            await UntilAsync(() => device.Client.IsConnected && device.Client.GatewayIndex == 1 && device.Client.QueuedMessages == 0,
                "the gap delivered through B: " + device.Client.LastConnectError);
            Assert.True(device.Client.SpilledMessages > 0, "the gap should have used the flash queue");
            var packs = await site.WaitForReadingsAsync("nf-fo", [.. throughA, .. gap], "A killed");
            Assert.All(packs.Where(p => p.Values.Any(gap.Contains)), p => Assert.Equal("gw-b", p.Gateway));

            // A is back: the device sticks to B (no reconnect), and new readings go through B.
            await site.A.StartAsync();
            var connects = device.Client.ConnectCount;
            var whileBIsFine = Report(5);
            await UntilAsync(() => device.Client.QueuedMessages == 0, "readings acknowledged while both gateways are up");
            packs = await site.WaitForReadingsAsync("nf-fo", whileBIsFine, "A back, B fine");
            Assert.Equal(1, device.Client.GatewayIndex);
            Assert.Equal(connects, device.Client.ConnectCount);
            Assert.All(packs.Where(p => p.Values.Any(whileBIsFine.Contains)), p => Assert.Equal("gw-b", p.Gateway));

            // B is powered off: back to A.
            site.B.Kill();
            var afterB = Report(10);
            await UntilAsync(() => device.Client.IsConnected && device.Client.GatewayIndex == 0 && device.Client.QueuedMessages == 0,
                "the readings after B's power cut delivered through A: " + device.Client.LastConnectError);
            packs = await site.WaitForReadingsAsync("nf-fo", [.. throughA, .. gap, .. whileBIsFine, .. afterB], "B killed");
            Assert.All(packs.Where(p => p.Values.Any(afterB.Contains)), p => Assert.Equal("gw-a", p.Gateway));

            // Nothing re-sequenced: one boot id, each seq always with the same reading, wherever it was delivered.
            Assert.All(packs, p => Assert.Equal(device.BootId, p.Bid));
            Assert.All(packs.GroupBy(p => p.Seq), g => Assert.Single(g.Select(p => string.Join(',', p.Values)).Distinct()));
            Assert.Equal(40, packs.Select(p => p.Seq).Distinct().Count());
            Assert.Equal(0, device.Client.DroppedMessages);
        }
        finally
        {
            flash.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task KillA_SingleGatewayList_ReadingsStayQueuedWhileBIsUpUntilAIsBack()
    {
        // The list is load-bearing: the same device with only A does not reach B, its readings wait (nothing is lost).
        using var site = await TwoGatewaySite.StartAsync();
        var flash = Directory.CreateTempSubdirectory("edge-nf-failover-");
        try
        {
            using var device = NewDevice("nf-one", [site.A.Port], flash.FullName);
            var sensor = device.AddSensor("v", null, null, 0, 0);
            device.Start();
            await UntilAsync(() => device.Client.IsConnected, "connected to A: " + device.Client.LastConnectError);
            site.A.Kill();
            await UntilAsync(() => !device.Client.IsConnected, "the device to notice A is gone");
            for (var v = 1; v <= 5; v++)
            {
                device.Report(sensor, v);
                device.Flush();
            }

            await UntilAsync(() => device.Client.LastConnectError != null, "a failed reconnect to A");
            await Task.Delay(TimeSpan.FromSeconds(3)); // several backoff rounds (100 ms - 500 ms): B stays unused

            Assert.False(device.Client.IsConnected);
            Assert.True(device.Client.QueuedMessages >= 5, $"queued: {device.Client.QueuedMessages}");
            Assert.DoesNotContain(site.Packs("nf-one"), p => p.Values.Length > 0);

            await site.A.StartAsync();
            await UntilAsync(() => device.Client.QueuedMessages == 0, "delivered once A is back");
            var packs = await site.WaitForReadingsAsync("nf-one", [1, 2, 3, 4, 5], "A back");
            Assert.All(packs, p => Assert.Equal("gw-a", p.Gateway));
        }
        finally
        {
            flash.Delete(recursive: true);
        }
    }

    private static TelemetryRuntime NewDevice(string id, int[] ports, string flashDirectory)
    {
        var hosts = ports.Select(_ => "127.0.0.1").ToArray();
        return new TelemetryRuntime(TcpChannel.ForGateways(hosts, ports, false, null, null), new TelemetryOptions
        {
            DeviceId = id,
            FlushIntervalMilliseconds = 60_000, // packs are cut by Flush()
            Mqtt = new MqttClientOptions
            {
                ReconnectBaseDelayMilliseconds = 100,
                ReconnectMaxDelayMilliseconds = 500,
                KeepAliveSeconds = 5,
                QueueBytes = 1_024, // a handful of packs in RAM; the gap spills to flash
                PersistentQueue = new FlashQueue(new FlashQueueOptions { Directory = flashDirectory }),
            },
        });
    }

    private static Task UntilAsync(Func<bool> condition, string what) => Eventually.TrueAsync(condition, Patience, what);
}
