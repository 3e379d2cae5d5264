using System.Buffers.Binary;
using System.Globalization;
using Edge.Device.NanoFramework;

// Usage: Edge.PowerLoss.FlashQueueChild <queueDirectory> <firstNumber>
// Appends records carrying 4-byte numbers firstNumber, firstNumber+1, ... (64 bytes, the rest a pattern derived from
// the number) and prints "appended N" once TryAppend returned true (durable, the queue's contract). Every 5th append
// it removes the oldest record and prints "removed N" after RemoveFirst returned. When the queue is full it removes
// more. The parent cuts the power and SIGKILLs it.
using var queue = new FlashQueue(new FlashQueueOptions
{
    Directory = args[0],
    CapacityBytes = 16_384,
    SegmentBytes = 2_048,
    MaxRecordBytes = 256,
});
var record = new byte[64];
var peek = new byte[256];
Console.Out.WriteLine("opened " + queue.Count.ToString(CultureInfo.InvariantCulture));
Console.Out.Flush();
for (var n = int.Parse(args[1], CultureInfo.InvariantCulture); ; n++)
{
    BinaryPrimitives.WriteInt32LittleEndian(record, n);
    for (var i = 4; i < record.Length; i++)
    {
        record[i] = (byte)(n + i);
    }

    while (!queue.TryAppend(record, 0, record.Length))
    {
        Remove();
    }

    Console.Out.WriteLine("appended " + n.ToString(CultureInfo.InvariantCulture));
    if (n % 5 == 0)
    {
        Remove();
    }

    Console.Out.Flush();
}

void Remove()
{
    if (queue.PeekFirst(peek, 0) < 4)
    {
        throw new InvalidOperationException("the queue refused an append but has nothing to remove");
    }

    var oldest = BinaryPrimitives.ReadInt32LittleEndian(peek);
    queue.RemoveFirst();
    Console.Out.WriteLine("removed " + oldest.ToString(CultureInfo.InvariantCulture));
}
