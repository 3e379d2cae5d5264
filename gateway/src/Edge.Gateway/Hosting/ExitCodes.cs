namespace Edge.Gateway.Hosting;

/// <summary>Process exit codes (sysexits.h), so systemd and scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A fatal error at run time (e.g. Kafka producer fatal error that could not be recovered).</summary>
    public const int Software = 70;

    /// <summary>Invalid configuration: the message names the key.</summary>
    public const int Config = 78;

    /// <summary>The durable log failed with an I/O error (EIO: a failing SD card). A full disk is not an exit: publishes are refused until space returns.</summary>
    public const int IoError = 74;

    /// <summary>Another gateway holds the data directory (Storage:Path); the message names its process id (EX_TEMPFAIL: retry once it stopped).</summary>
    public const int DataDirectoryInUse = 75;
}
