namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>An <see cref="IPersistentQueue"/> in memory with a record limit, standing in for flash.</summary>
internal sealed class MemoryPersistentQueue(int maxRecords) : IPersistentQueue
{
    private readonly Queue<byte[]> _records = new();

    public int Count => _records.Count;

    public bool TryAppend(byte[] buffer, int offset, int count)
    {
        if (_records.Count >= maxRecords)
        {
            return false;
        }

        _records.Enqueue(buffer.AsSpan(offset, count).ToArray());
        return true;
    }

    public int PeekFirst(byte[] destination, int offset)
    {
        if (_records.Count == 0)
        {
            return -1;
        }

        var record = _records.Peek();
        if (record.Length > destination.Length - offset)
        {
            return record.Length; // the IPersistentQueue contract: nothing copied
        }

        record.CopyTo(destination, offset);
        return record.Length;
    }

    public void RemoveFirst() => _records.Dequeue();
}
