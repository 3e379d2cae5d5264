namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>What a <see cref="FlashOp"/> did.</summary>
internal enum FlashOpKind
{
    /// <summary>Opened for appending, created empty when missing.</summary>
    Open,

    /// <summary>Emptied (created empty when missing).</summary>
    Truncate,

    /// <summary>Bytes appended in one write, then synced.</summary>
    Append,

    /// <summary>Deleted.</summary>
    Delete,
}
