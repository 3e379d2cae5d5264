using System.Globalization;
using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Queue;

/// <summary>
/// The outbound queue against a simulated server that acknowledges late, in order, or never, and a link that breaks
/// at random, with a RAM ring much smaller than the outage: while flash has room nothing is dropped, every message
/// reaches the server, first arrivals are in publish order, each connection carries messages in queue order, and
/// packet identifiers in flight are unique.
/// </summary>
public sealed class OutboundQueueModelTests
{
    private const string Topic = "t/q";

    [Theory]
    [InlineData(QueueFullPolicy.DropOldest)]
    [InlineData(QueueFullPolicy.DropNewest)]
    public void RandomAcksAndLinkCuts_FlashWithRoom_NothingLostOrderKept(QueueFullPolicy policy)
    {
        long spilled = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            spilled += Run(seed, policy);
        }

        Assert.True(spilled > 10_000, $"the outages were too short to overflow RAM: {spilled} spilled");
    }

    [Fact]
    public void RandomAcksAndLinkCuts_RealFlashQueue_NothingLostOrderKept()
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var directory = Path.Combine(root, "edge-outbound-" + Guid.NewGuid().ToString("N"));
        try
        {
            long spilled = 0;
            for (var seed = 0; seed < 20; seed++)
            {
                using var flash = new FlashQueue(new FlashQueueOptions { Directory = Path.Combine(directory, seed.ToString(CultureInfo.InvariantCulture)), SegmentBytes = 1_024, MaxRecordBytes = 256 });
                spilled += Run(seed, QueueFullPolicy.DropOldest, flash);
                Assert.Equal(0, flash.StorageErrors);
            }

            Assert.True(spilled > 500, $"the outages were too short to overflow RAM: {spilled} spilled");
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static long Run(int seed, QueueFullPolicy policy, IPersistentQueue? persistent = null)
    {
        var random = new Random(seed);
        var flash = persistent ?? new MemoryPersistentQueue(100_000);
        var queue = new OutboundQueue(300, 256, 1 + random.Next(8), policy, flash);
        var inFlight = new List<(int Id, int Index)>(); // what the server received on this connection and has not acked
        var firstArrival = new List<int>();
        var arrived = new HashSet<int>();
        var connected = false;
        var lastOnConnection = -1;
        var published = 0;
        var payload = new byte[4 + random.Next(20)];

        void Receive()
        {
            while (connected && queue.TryTakeNext(out var buffer, out var offset, out _))
            {
                MqttPacketReader.TryReadFixedHeader(buffer, offset, buffer.Length - offset, out _, out var flags, out var remaining, out var header);
                MqttPacketReader.ReadPublish(buffer, offset + header, flags, remaining, out var view);
                var index = BitConverter.ToInt32(buffer, view.PayloadOffset);
                Assert.True(index > lastOnConnection, $"seed {seed}: {index} sent after {lastOnConnection} on one connection");
                Assert.DoesNotContain(inFlight, m => m.Id == view.PacketId);
                lastOnConnection = index;
                inFlight.Add((view.PacketId, index));
                if (arrived.Add(index))
                {
                    firstArrival.Add(index);
                }
            }
        }

        for (var step = 0; step < 400; step++)
        {
            var action = random.Next(10);
            if (action < 5)
            {
                BitConverter.GetBytes(published).CopyTo(payload, 0);
                var size = MqttPacketWriter.PublishSize(Topic.Length, payload.Length, MqttQos.AtLeastOnce);
                var at = queue.Reserve(size);
                Assert.True(at >= 0, $"seed {seed}: message {published} dropped while flash had room");
                MqttPacketWriter.WritePublish(queue.Buffer, at, Topic, Topic.Length, payload, 0, payload.Length, MqttQos.AtLeastOnce, false, false, 0);
                published++;
            }
            else if (action < 8 && connected && inFlight.Count > 0)
            {
                var acks = 1 + random.Next(inFlight.Count);
                for (var i = 0; i < acks; i++)
                {
                    Assert.True(queue.Acknowledge(inFlight[0].Id), $"seed {seed}: PUBACK {inFlight[0].Id} for message {inFlight[0].Index} unmatched");
                    inFlight.RemoveAt(0);
                }
            }
            else if (action == 8)
            {
                connected = false; // the link breaks: PUBACKs still owed are never sent
                inFlight.Clear();
            }
            else if (!connected)
            {
                connected = true;
                lastOnConnection = -1;
                queue.OnConnected();
            }

            Receive();
        }

        // The outage ends: connect and acknowledge everything.
        if (!connected)
        {
            connected = true;
            lastOnConnection = -1;
            queue.OnConnected();
        }

        for (var guard = 0; queue.Count > 0 && guard < 100_000; guard++)
        {
            Receive();
            Assert.True(inFlight.Count > 0, $"seed {seed}: {queue.Count} queued but nothing sent");
            Assert.True(queue.Acknowledge(inFlight[0].Id));
            inFlight.RemoveAt(0);
        }

        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Dropped);
        Assert.Equal(Enumerable.Range(0, published), firstArrival);
        return queue.Spilled;
    }
}
