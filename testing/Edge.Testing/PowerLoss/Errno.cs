namespace Edge.Testing.PowerLoss;

/// <summary>Linux error numbers a fault can return.</summary>
public enum Errno
{
    /// <summary>I/O error (a dying SD card).</summary>
    EIO = 5,

    /// <summary>No space left on device.</summary>
    ENOSPC = 28,
}
