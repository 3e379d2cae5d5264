namespace Edge.Device.Meadow;

/// <summary>A snapshot of an <see cref="IEdgeDevice"/>'s counters since it was created (readings, not messages, unless stated).</summary>
public sealed class EdgeDeviceStats
{
    /// <summary>Readings durably queued (fsynced) in this process.</summary>
    public long QueuedReadings { get; init; }

    /// <summary>Readings the broker acknowledged (PUBACK) in this process, including ones queued before a reboot.</summary>
    public long SentReadings { get; init; }

    /// <summary>Readings discarded by the queue-full policy.</summary>
    public long DroppedReadings { get; init; }

    /// <summary>Readings a sensor produced inside its deadband (not recorded).</summary>
    public long FilteredReadings { get; init; }

    /// <summary>Readings in the queue waiting for a PUBACK now.</summary>
    public long PendingReadings { get; init; }

    /// <summary>Bytes of packs in the queue waiting for a PUBACK now.</summary>
    public long PendingBytes { get; init; }

    /// <summary>Successful connects after the first one.</summary>
    public long Reconnects { get; init; }

    /// <summary>
    /// Why the last connect attempt failed, or null after a successful one: e.g. "CONNACK refused: NotAuthorized (the
    /// device or its certificate is revoked ...)", "the client certificate CN=... expired on ...", "... is not signed by
    /// the pinned CA ...", "no client certificate was presented ...".
    /// </summary>
    public string? LastConnectError { get; init; }

    /// <summary>Packs published and acknowledged (MQTT messages).</summary>
    public long SentMessages { get; init; }

    /// <summary>
    /// Publishes of packs the broker refused (an MQTT 5 PUBACK reason of 0x80 or more, e.g. 0x97 quota exceeded from a
    /// gateway whose disk is full; or the client's own queue refusing), each retried after a growing backoff.
    /// </summary>
    public long RefusedPublishes { get; init; }

    /// <summary>
    /// Readings in packs given up after <see cref="EdgeDeviceOptions.MaxPermanentRefusals"/> refusals a resend cannot
    /// change (not authorized, topic name or payload format invalid): removed from the queue so later packs flow.
    /// </summary>
    public long RejectedReadings { get; init; }

    /// <summary>The reason of the most recent refusal (e.g. "QuotaExceeded", "NotAuthorized"), or null if none.</summary>
    public string? LastRefusal { get; init; }

    /// <summary>Commands received (handled or not).</summary>
    public long CommandsReceived { get; init; }

    /// <summary>Commands received again with an id already executed (a resend): acked again, the handler not run.</summary>
    public long CommandsRepeated { get; init; }

    /// <summary>Desired-state versions the handler applied.</summary>
    public long DesiredStatesApplied { get; init; }

    /// <summary>Desired states the handler threw on, or that could not be decoded.</summary>
    public long DesiredStatesFailed { get; init; }

    /// <summary>The desired-state version applied last in this process (and reported); null before any.</summary>
    public ulong? AppliedDesiredVersion { get; init; }

    /// <summary>
    /// <c>host:port</c> of the gateway connected to, or tried next while disconnected: with several
    /// <see cref="EdgeDeviceOptions.Gateways"/>, which one the device fails over to and sticks with.
    /// </summary>
    public string? Gateway { get; init; }

    /// <summary>True while connected to the broker.</summary>
    public bool IsConnected { get; init; }

    /// <summary>The boot id this instance writes ("bid").</summary>
    public uint BootId { get; init; }
}
