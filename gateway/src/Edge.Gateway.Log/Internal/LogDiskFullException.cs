namespace Edge.Gateway.Log.Internal;

/// <summary>A commit met a full file system and was rolled back; the waiting appends get <see cref="AppendStatus.DiskFull"/>.</summary>
internal sealed class LogDiskFullException : IOException
{
    public LogDiskFullException(Exception innerException)
        : base("The file system is full: the commit was rolled back", innerException)
    {
    }

    public LogDiskFullException()
    {
    }

    public LogDiskFullException(string message)
        : base(message)
    {
    }
}
