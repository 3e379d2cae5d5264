namespace Edge.Testing.PowerLoss;

/// <summary>The operations <see cref="CrashFs"/> can make fail.</summary>
public enum FsOperation
{
    /// <summary>write(2) and pwrite(2) on any file.</summary>
    Write,

    /// <summary>fsync(2)/fdatasync(2) of files and directories.</summary>
    Fsync,
}
