namespace Edge.Testing.PowerLoss;

/// <summary>How a <see cref="CrashFs"/> is mounted. Every knob can also be changed later on the mounted instance.</summary>
public sealed class CrashFsOptions
{
    /// <summary>Added to every fsync, fdatasync and directory fsync (an SD card: 5–20 ms). Default none.</summary>
    public TimeSpan FsyncDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Bytes the file system holds before writes fail with ENOSPC (0 = the backing disk's size). Default 0.</summary>
    public long CapacityBytes { get; init; }

    /// <summary>Called with the backing directory before mounting: whatever it creates is durable at mount.</summary>
    public Action<string>? Populate { get; init; }
}
