namespace Edge.Gateway.Security;

/// <summary>What one failed login did to the limits of <see cref="FailedAuthLimiter"/>.</summary>
internal enum FailureOutcome
{
    /// <summary>Counted; no limit reached.</summary>
    Counted,

    /// <summary>This failure started a lockout of its (address, client id).</summary>
    LockedOut,

    /// <summary>This failure reached the gateway-wide cap of the minute.</summary>
    GlobalCapReached,
}
