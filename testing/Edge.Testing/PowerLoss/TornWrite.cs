namespace Edge.Testing.PowerLoss;

/// <summary>A last unsynced write that reached the disk only in part.</summary>
/// <param name="Path">File, relative to the mount.</param>
/// <param name="Offset">Where the write started.</param>
/// <param name="Length">How long the write was.</param>
/// <param name="Kept">How many of its first bytes survived (0 ≤ Kept &lt; Length).</param>
public sealed record TornWrite(string Path, long Offset, long Length, long Kept);
