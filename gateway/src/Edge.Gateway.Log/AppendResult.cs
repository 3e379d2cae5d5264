namespace Edge.Gateway.Log;

/// <summary>Result of an append.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Offset">The record's offset when <paramref name="Status"/> is <see cref="AppendStatus.Appended"/>; otherwise -1.</param>
public readonly record struct AppendResult(AppendStatus Status, long Offset)
{
    internal static AppendResult Full => new(AppendStatus.Full, -1);

    internal static AppendResult TooLarge => new(AppendStatus.TooLarge, -1);

    internal static AppendResult DiskFull => new(AppendStatus.DiskFull, -1);
}
