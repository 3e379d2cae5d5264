using CsCheck;

namespace Edge.Device.NanoFramework.Tests.Queue;

public sealed class MessageQueueTests
{
    private static int Enqueue(MessageQueue queue, byte marker, int payloadLength)
    {
        var payload = Enumerable.Repeat(marker, payloadLength).ToArray();
        var size = MqttPacketWriter.PublishSize(1, payloadLength, MqttQos.AtLeastOnce);
        var at = queue.TryReserve(size);
        if (at >= 0)
        {
            MqttPacketWriter.WritePublish(queue.Buffer, at, "t", 1, payload, 0, payloadLength, MqttQos.AtLeastOnce, false, false, 0);
        }

        return at;
    }

    private static byte MarkerAt(MessageQueue queue, int packetOffset) => queue.Buffer[packetOffset + 7];

    [Fact]
    public void TryReserve_BudgetExhausted_ReturnsMinusOne()
    {
        var queue = new MessageQueue(64);
        var size = MqttPacketWriter.PublishSize(1, 20, MqttQos.AtLeastOnce) + MessageQueue.HeaderSize; // 32

        Assert.True(Enqueue(queue, 1, 20) >= 0);
        Assert.True(Enqueue(queue, 2, 20) >= 0);
        Assert.Equal(-1, Enqueue(queue, 3, 20));
        Assert.Equal(2, queue.Count);
        Assert.Equal(2 * size, queue.UsedBytes);
    }

    [Fact]
    public void TryTakeNext_AfterWrap_ReturnsMessagesInOrder()
    {
        var queue = new MessageQueue(100);
        Enqueue(queue, 1, 20);
        Enqueue(queue, 2, 20);
        queue.RemoveHead();
        Enqueue(queue, 3, 20);
        Assert.True(Enqueue(queue, 4, 20) >= 0); // wraps to offset 0

        var order = new List<byte>();
        while (queue.TryTakeNext(out var offset, out _, out _))
        {
            order.Add(MarkerAt(queue, offset));
        }

        Assert.Equal(new byte[] { 2, 3, 4 }, order);
    }

    [Fact]
    public void Acknowledge_OutOfOrder_RemovesOnlyWhenHeadAcked()
    {
        var queue = new MessageQueue(256);
        for (byte i = 1; i <= 3; i++)
        {
            Enqueue(queue, i, 4);
        }

        var ids = new List<int>();
        while (queue.TryTakeNext(out var offset, out _, out _))
        {
            MessageQueue.SetPacketId(queue.Buffer, offset, ids.Count + 100);
            ids.Add(ids.Count + 100);
        }

        Assert.True(queue.Acknowledge(101));
        Assert.Equal(3, queue.Count);
        Assert.True(queue.Acknowledge(100));
        Assert.Equal(1, queue.Count);
        Assert.False(queue.Acknowledge(999));
    }

    [Fact]
    public void RewindForResend_InFlightMessages_ComeBackAsSentBefore()
    {
        var queue = new MessageQueue(256);
        Enqueue(queue, 1, 4);
        Enqueue(queue, 2, 4);
        queue.TryTakeNext(out _, out _, out var first);
        Assert.False(first);

        queue.RewindForResend();

        Assert.True(queue.TryTakeNext(out var offset, out _, out var again));
        Assert.True(again);
        Assert.Equal(1, MarkerAt(queue, offset));
        Assert.True(queue.TryTakeNext(out _, out _, out var second));
        Assert.False(second);
    }

    /// <summary>Model-based: random enqueue / send / ack / drop / rewind against a list, checking order and contents.</summary>
    [Fact]
    public void AnyOperationSequence_MatchesListModel()
    {
        var ops = Gen.Select(Gen.Int[0, 4], Gen.Int[1, 60]).Array[1, 200]; // payload >= 1 byte: it carries the marker
        Gen.Select(Gen.Int[80, 400], ops).Sample((capacity, sequence) =>
        {
            var queue = new MessageQueue(capacity);
            var model = new List<(byte Marker, int Length, bool Sent)>();
            var inFlight = 0;
            byte next = 1;
            var nextId = 1;
            foreach (var (op, arg) in sequence)
            {
                switch (op)
                {
                    case 0:
                        if (Enqueue(queue, next, arg) >= 0)
                        {
                            model.Add((next, arg, false));
                        }

                        next = (byte)(next == 255 ? 1 : next + 1);
                        break;
                    case 1:
                        if (queue.TryTakeNext(out var offset, out var length, out var sentBefore))
                        {
                            var expected = model[inFlight];
                            Assert.Equal(expected.Marker, MarkerAt(queue, offset));
                            Assert.Equal(MqttPacketWriter.PublishSize(1, expected.Length, MqttQos.AtLeastOnce), length);
                            Assert.Equal(expected.Sent, sentBefore);
                            if (!sentBefore)
                            {
                                MessageQueue.SetPacketId(queue.Buffer, offset, nextId++);
                            }

                            model[inFlight] = (expected.Marker, expected.Length, true);
                            inFlight++;
                        }
                        else
                        {
                            Assert.Equal(model.Count, inFlight);
                        }

                        break;
                    case 2:
                        if (inFlight > 0)
                        {
                            queue.PeekHead(out var head, out _, out _);
                            Assert.True(queue.Acknowledge(MessageQueue.PacketId(queue.Buffer, head)));
                            model.RemoveAt(0);
                            inFlight--;
                        }

                        break;
                    case 3:
                        if (model.Count > 0)
                        {
                            queue.RemoveHead();
                            model.RemoveAt(0);
                            inFlight = Math.Max(0, inFlight - 1);
                        }

                        break;
                    default:
                        queue.RewindForResend();
                        inFlight = 0;
                        break;
                }

                Assert.Equal(model.Count, queue.Count);
                Assert.Equal(inFlight, queue.InFlight);
                Assert.InRange(queue.UsedBytes, 0, capacity);
            }
        }, iter: 3_000);
    }
}
