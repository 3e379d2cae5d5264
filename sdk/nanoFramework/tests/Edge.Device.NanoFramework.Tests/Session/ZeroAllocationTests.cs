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

        var allocated = PublishAndMeasure(client, topic, payload, 1_000); // warm-up: JIT, tiering, lock inflation
        await TestWait.ForAsync(() => client.AcknowledgedMessages == 1_000, "warm-up acknowledged");
        await Task.Delay(200); // the receive thread settles into steady state
        var receiveBefore = broker.ReaderAllocatedBytes;
        allocated = PublishAndMeasure(client, topic, payload, 10_000);
        await TestWait.ForAsync(() => client.AcknowledgedMessages == 11_000, "all acknowledged");
        await Task.Delay(200);
        var receiveAllocated = broker.ReaderAllocatedBytes - receiveBefore;

        output.WriteLine($"allocated over 10,000 QoS 1 publishes: {allocated} bytes on the publishing thread, {receiveAllocated} bytes on the receive thread (PUBACK handling, keep-alive)");
        Assert.Equal(0, allocated);
        Assert.Equal(0, receiveAllocated);
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

    private static long PublishAndMeasure(MqttClient client, string topic, byte[] payload, int count)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            while (client.QueuedMessages > 512)
            {
                Thread.Yield(); // pace to the acks so the queue never drops (a drop would not allocate either)
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
