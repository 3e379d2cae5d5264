namespace Edge.Device.NanoFramework;

/// <summary>
/// A FIFO of opaque records on flash (or any storage that survives a reset), used as the overflow of the
/// RAM queue: when the RAM budget is full, the oldest message moves here (sent or not: a message whose PUBACK
/// has not come is kept, with DUP set) instead of being dropped, and the client sends these records first after
/// reconnecting, oldest first. Records are complete MQTT PUBLISH packets; the client sets the packet identifier
/// when sending. <see cref="FlashQueue"/> is the implementation on the board's file system.
/// </summary>
/// <remarks>
/// Called only while the client holds its internal lock: implementations need no locking of their own. They must
/// not throw: a storage failure is reported as "full" (<see cref="TryAppend"/>) or "nothing to read"
/// (<see cref="PeekFirst"/>), because the calls run inside <see cref="MqttClient.Publish(string, byte[], int, int, MqttQos)"/>
/// and on the client's receive thread.
/// </remarks>
#pragma warning disable CA1711 // "Queue" is exactly what it is: a FIFO.
public interface IPersistentQueue
#pragma warning restore CA1711
{
    /// <summary>Number of records stored.</summary>
    int Count { get; }

    /// <summary>
    /// Appends a record; returns false when the storage is full or failed (the client then applies its
    /// <see cref="QueueFullPolicy"/> and counts the drop). True means the record survives a reset.
    /// </summary>
    bool TryAppend(byte[] buffer, int offset, int count);

    /// <summary>
    /// Copies the oldest record into <paramref name="destination"/> at <paramref name="offset"/> and returns its
    /// length, or returns -1 when the queue is empty or could not be read. When the record is longer than the room
    /// left in <paramref name="destination"/>, nothing is copied and its length is returned (the client then drops
    /// it). The record stays stored until <see cref="RemoveFirst"/>.
    /// </summary>
    int PeekFirst(byte[] destination, int offset);

    /// <summary>Deletes the oldest record (called once the server acknowledged it).</summary>
    void RemoveFirst();
}
