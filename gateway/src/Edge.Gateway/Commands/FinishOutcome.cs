namespace Edge.Gateway.Commands;

/// <summary>What <see cref="CommandStore.FinishAsync"/> did.</summary>
internal enum FinishOutcome
{
    /// <summary>The result is durable in the store (and, unless the gateway's log refused it, in the gateway's log).</summary>
    Finished,

    /// <summary>No such waiting command (already ended, or never here): nothing written.</summary>
    NotPending,

    /// <summary>The store is full (or its disk): nothing written, the command still waits.</summary>
    StoreUnavailable,
}
