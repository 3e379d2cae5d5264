namespace Edge.Gateway.Ingest.InFlight;

/// <summary>How a started durable append ended, which decides the PUBACK/PUBREC the device gets.</summary>
internal enum AckOutcome
{
    /// <summary>The record is fsynced: the acknowledgement goes out as MQTTnet made it (success).</summary>
    Durable,

    /// <summary>The log or its file system was full: nothing written (MQTT 5: 0x97 quota exceeded; 3.1.1: no acknowledgement, connection closed).</summary>
    Full,

    /// <summary>Writing or fsyncing failed: not durable (MQTT 5: 0x80 unspecified error; 3.1.1: no acknowledgement, connection closed).</summary>
    Failed,
}
