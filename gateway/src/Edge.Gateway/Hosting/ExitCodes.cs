namespace Edge.Gateway.Hosting;

/// <summary>Process exit codes (sysexits.h), so systemd and scripts can tell failures apart.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A fatal error at run time (e.g. Kafka producer fatal error that could not be recovered).</summary>
    public const int Software = 70;

    /// <summary>Invalid configuration: the message names the key.</summary>
    public const int Config = 78;

    /// <summary>The durable log failed (disk error, disk full during a write).</summary>
    public const int IoError = 74;
}
