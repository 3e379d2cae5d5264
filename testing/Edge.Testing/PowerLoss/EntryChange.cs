namespace Edge.Testing.PowerLoss;

/// <summary>A directory entry change not yet made durable (see <see cref="CrashFs.StallFsyncAtDirectoryAsync"/>).</summary>
public enum EntryChange
{
    /// <summary>A name created (file, directory, link target of a rename).</summary>
    Added,

    /// <summary>A name deleted or renamed away.</summary>
    Removed,

    /// <summary>A name now pointing at another file (rename over it).</summary>
    Replaced,

    /// <summary>Any of the above.</summary>
    Any,
}
