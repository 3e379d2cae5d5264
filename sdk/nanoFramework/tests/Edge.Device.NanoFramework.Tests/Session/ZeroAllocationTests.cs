using Edge.Device.NanoFramework.Tests.Support;
using Xunit.Sdk;

namespace Edge.Device.NanoFramework.Tests.Session;

/// <summary>The steady-state publish path allocates nothing: preallocated queue, send and packet buffers.</summary>
public sealed class ZeroAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Publish_10000Qos1ThroughRealClient_AllocatesZeroBytesOnPublishingAndReceiveThreads()
    {
        var broker = new LoopbackBroker { Record = false };
        using var client = new MqttClient(broker, new MqttClientOptions { ClientId = "alloc", QueueBytes = 64 * 1024, PollMilliseconds = 20 });
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "connected");
        const string topic = "edge/v1/alloc/telemetry";
        var payload = new byte[48];
        long allocated = -1, receiveAllocated = -1;

        // Warm-up and measurement on one dedicated thread, so nothing but this loop runs on it in between.
        var publisher = new Thread(() =>
        {
            PublishAndMeasure(client, topic, payload, 2_000, pacing: 64); // warm-up: JIT, tiering, the pacing path
            SpinWait.SpinUntil(() => client.AcknowledgedMessages == 2_000, TestWait.Timeout);
            Thread.Sleep(200); // the receive thread settles into its steady loop
            var receiveBefore = broker.ReaderAllocatedBytes;
            allocated = PublishAndMeasure(client, topic, payload, 10_000, pacing: 512);
            SpinWait.SpinUntil(() => client.AcknowledgedMessages == 12_000, TestWait.Timeout);
            Thread.Sleep(200);
            receiveAllocated = broker.ReaderAllocatedBytes - receiveBefore;
        });
        publisher.Start();
        await TestWait.ForAsync(() => !publisher.IsAlive, "publisher thread done");

        var report = $"allocated over 10,000 QoS 1 publishes: {allocated} bytes on the publishing thread, {receiveAllocated} bytes on the "
            + $"receive thread (PUBACK handling, keep-alive); acknowledged {client.AcknowledgedMessages}, connections {client.ConnectCount}, dropped {client.DroppedMessages}";
        output.WriteLine(report);
        Assert.True(allocated == 0 && receiveAllocated == 0, report);
        Assert.Equal(12_000, client.AcknowledgedMessages);
        Assert.Equal(0, client.DroppedMessages);
    }

    [Fact]
    public async Task Publish_10000Qos0_AllocatesZeroBytesOnCallingThread()
    {
        var broker = new LoopbackBroker { Record = false };
        using var client = new MqttClient(broker, new MqttClientOptions { ClientId = "alloc0", PollMilliseconds = 20 });
        client.Start();
        await TestWait.ForAsync(() => client.IsConnected, "connected");
        var payload = new byte[48];
        for (var i = 0; i < 1_000; i++)
        {
            client.Publish("t/0", payload, 0, payload.Length, MqttQos.AtMostOnce);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            payload[0] = (byte)i;
            client.Publish("t/0", payload, 0, payload.Length, MqttQos.AtMostOnce);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static long PublishAndMeasure(MqttClient client, string topic, byte[] payload, int count, int pacing)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            while (client.QueuedMessages > pacing)
            {
                Thread.Yield(); // pace to the acks so the queue never drops
            }

            payload[0] = (byte)i;
            payload[1] = (byte)(i >> 8);
            if (!client.Publish(topic, payload, 0, payload.Length, MqttQos.AtLeastOnce))
            {
                throw new XunitException("publish refused");
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
