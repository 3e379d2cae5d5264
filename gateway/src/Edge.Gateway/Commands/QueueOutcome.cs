namespace Edge.Gateway.Commands;

/// <summary>What <see cref="CommandStore.TryQueue"/> did with a command.</summary>
internal enum QueueOutcome
{
    /// <summary>Queued; durable once its append completes.</summary>
    Queued,

    /// <summary>Its (device, id) waits already or finished recently: the same command read twice, ignored.</summary>
    Duplicate,

    /// <summary>Kafka:Commands:MaxPerDevice commands wait for that device already.</summary>
    DeviceFull,

    /// <summary>Kafka:Commands:MaxPending commands wait on this gateway already.</summary>
    StoreFull,
}
