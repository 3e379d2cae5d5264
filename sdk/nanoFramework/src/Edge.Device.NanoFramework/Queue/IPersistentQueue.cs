namespace Edge.Device.NanoFramework;

/// <summary>
/// A FIFO of opaque records on flash (or any storage that survives a reset), used as the overflow of the
/// RAM queue: when the RAM budget is full, the oldest not-yet-sent message moves here instead of being
/// dropped, and the client sends these records first after reconnecting, oldest first, one at a time.
/// Records are complete MQTT PUBLISH packets; the client rewrites the packet identifier when sending.
/// Called only while the client holds its internal lock: implementations need no locking of their own.
/// </summary>
#pragma warning disable CA1711 // "Queue" is exactly what it is: a FIFO.
public interface IPersistentQueue
#pragma warning restore CA1711
{
    /// <summary>Number of records stored.</summary>
    int Count { get; }

    /// <summary>Appends a record; returns false when the storage is full (the client then drops the record and counts it).</summary>
    bool TryAppend(byte[] buffer, int offset, int count);

    /// <summary>
    /// Copies the oldest record into <paramref name="destination"/> at <paramref name="offset"/> and returns its
    /// length, or returns -1 when the queue is empty. The record stays stored until <see cref="RemoveFirst"/>.
    /// </summary>
    int PeekFirst(byte[] destination, int offset);

    /// <summary>Deletes the oldest record (called once the server acknowledged it).</summary>
    void RemoveFirst();
}
