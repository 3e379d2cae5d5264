namespace Edge.Device.NanoFramework;

/// <summary>Configuration of <see cref="FlashQueue"/>. Read once by its constructor.</summary>
public sealed class FlashQueueOptions
{
    /// <summary>
    /// Directory of the queue's files; created (one level) when missing. Default <c>I:\edge-queue</c>: LittleFS,
    /// mounted as I: by the ESP32 firmware. The partition is shared with Wi-Fi and certificate configuration.
    /// </summary>
    public string Directory { get; set; } = "I:\\edge-queue";

    /// <summary>
    /// Most bytes the queue's segment files may occupy, framing and not-yet-deleted acknowledged records included.
    /// Default 131,072 bytes (128 KiB): half of the ~256 KB LittleFS partition of a 4 MB board.
    /// </summary>
    public int CapacityBytes { get; set; } = 131_072;

    /// <summary>
    /// Size at which a new segment file is started; a segment is deleted once every record in it is acknowledged.
    /// Default 16,384 bytes (8 segments in the default capacity).
    /// </summary>
    public int SegmentBytes { get; set; } = 16_384;

    /// <summary>
    /// Largest record (one MQTT PUBLISH packet) accepted, in bytes; set it to at least
    /// <see cref="MqttClientOptions.MaxPacketBytes"/>. Allocated once as the write buffer. Default 1,024 bytes.
    /// </summary>
    public int MaxRecordBytes { get; set; } = 1_024;

    /// <summary>Head-log entries per file before switching to the other file (tests lower it). Default 64 (1 KiB).</summary>
    internal int HeadEntriesPerFile { get; set; } = 64;
}
