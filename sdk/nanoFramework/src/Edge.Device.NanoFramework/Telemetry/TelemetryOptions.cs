namespace Edge.Device.NanoFramework;

/// <summary>Configuration of <see cref="TelemetryRuntime"/>. Read once by its constructor.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Device id: 1–64 characters of [A-Za-z0-9._-]; also the MQTT client id and user name. Required.</summary>
    public string DeviceId { get; set; } = "";

    /// <summary>Device secret sent as the MQTT password, or null for none. Default null.</summary>
    public string? Secret { get; set; }

    /// <summary>Byte budget of one telemetry message (one SenML pack). Default 512 bytes.</summary>
    public int MaxMessageBytes { get; set; } = 512;

    /// <summary>Longest time a reading waits in a batch before the batch is published. Default 10,000 ms.</summary>
    public int FlushIntervalMilliseconds { get; set; } = 10_000;

    /// <summary>How often the runtime thread checks for due sensors. Default 100 ms.</summary>
    public int TickMilliseconds { get; set; } = 100;

    /// <summary>
    /// Boot id carried in every pack ("bid") so duplicates are identifiable by (boot id, sequence); 0 picks a
    /// random one. Default 0. A persisted counter incremented per boot is even better where flash allows.
    /// </summary>
    public uint BootId { get; set; }

    /// <summary>
    /// How many executed command ids the runtime remembers, with their acks, so that a command resent with the same id
    /// (after a reconnect, or a gateway restart) is acked again without running its handler again. RAM only: kept
    /// across reconnects, forgotten at a reset. Each entry holds the id and ack message strings. Default 32; 1-1,024.
    /// </summary>
    public int RememberedCommandIds { get; set; } = 32;

    /// <summary>
    /// Wall clock for timestamps. Default: an <see cref="SntpClock"/> on <see cref="TimeServer"/> when that is set,
    /// otherwise <see cref="SystemWallClock"/> (set by the firmware's SNTP or an RTC).
    /// </summary>
    public IWallClock? WallClock { get; set; }

    /// <summary>
    /// SNTP server asked for the time while the clock is unknown (year before 2020): normally the site gateway
    /// (<c>Sntp:Enabled=true</c> there), by name or IPv4 address. The runtime asks once in <see cref="TelemetryRuntime.Start"/>
    /// before the first connect (so a TLS handshake already sees the clock set; Start waits up to 1 s for the answer),
    /// then every <see cref="TimeSyncRetryMilliseconds"/> until answered (1 s wait each, on the sensor thread). A usable
    /// answer also sets the board's system clock when it is more than 1 s off (<see cref="SystemClock"/>). Readings taken
    /// before it answers carry no time (no <c>bt</c>: the gateway's receive time applies, docs/protocol.md).
    /// Default null (no SNTP from the SDK).
    /// </summary>
    public string? TimeServer { get; set; }

    /// <summary>
    /// The board's system clock, which the SNTP time from <see cref="TimeServer"/> is written to when it is more than 1 s
    /// off (the board's TLS checks certificate dates against it; see <see cref="SntpClock"/>). Default null: a
    /// <see cref="Edge.Device.NanoFramework.SystemClock"/> (on the board <c>Rtc.SetSystemTime</c>; on .NET nothing is set). Not used with
    /// <see cref="WallClock"/> (an <see cref="SntpClock"/> given there carries its own).
    /// </summary>
    public ISystemClock? SystemClock { get; set; }

    /// <summary>UDP port of <see cref="TimeServer"/>. Default 123 (the gateway's <c>Sntp:Port</c> default).</summary>
    public int TimeServerPort { get; set; } = 123;

    /// <summary>How often the runtime asks <see cref="TimeServer"/> again while the clock is unknown. Default 60,000 ms.</summary>
    public int TimeSyncRetryMilliseconds { get; set; } = 60_000;

    /// <summary>
    /// MQTT settings (queue budget, policy, keep-alive, backoff, clock). ClientId, UserName, Password and the
    /// last will are set by the runtime from <see cref="DeviceId"/> and <see cref="Secret"/>; MaxPacketBytes is raised to
    /// <see cref="MaxMessageBytes"/> + 128 when smaller. Flash overflow: set <see cref="MqttClientOptions.PersistentQueue"/>
    /// to a <see cref="FlashQueue"/>. Default: defaults.
    /// </summary>
    public MqttClientOptions? Mqtt { get; set; }
}
