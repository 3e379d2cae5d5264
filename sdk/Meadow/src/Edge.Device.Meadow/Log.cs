using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow;

/// <summary>Source-generated log messages (CA1848).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Edge device {DeviceId} connected to {Host}:{Port} (session present: {SessionPresent})")]
    public static partial void Connected(ILogger logger, string deviceId, string host, int port, bool sessionPresent);

    [LoggerMessage(2, LogLevel.Warning, "Edge device {DeviceId} could not connect; retrying in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, string deviceId, TimeSpan delay, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Edge device {DeviceId} disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, string deviceId, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Publish of pack {PackId} was not acknowledged ({Reason}); retrying")]
    public static partial void PublishFailed(ILogger logger, long packId, string reason);

    [LoggerMessage(5, LogLevel.Information, "Queue opened: {Packs} packs recovered, {Truncated} bytes of torn tail cut")]
    public static partial void QueueRecovered(ILogger logger, int packs, long truncated);

    [LoggerMessage(6, LogLevel.Warning, "Sensor {Name} failed")]
    public static partial void SensorFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(7, LogLevel.Warning, "Command handler {Name} failed")]
    public static partial void CommandFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(8, LogLevel.Warning, "Dropped a malformed command on {Topic}")]
    public static partial void CommandMalformed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(9, LogLevel.Error, "Queueing a pack failed")]
    public static partial void QueueFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "The broker refused pack {PackId} ({Reason}), refusal {Refusals} in a row; retrying in {Delay}")]
    public static partial void PublishRefused(ILogger logger, long packId, string reason, int refusals, TimeSpan delay);

    [LoggerMessage(11, LogLevel.Error, "Gave up pack {PackId} ({Readings} readings): the broker refused it {Refusals} times with {Reason}, which a resend cannot change; later packs go on")]
    public static partial void PackRejected(ILogger logger, long packId, int readings, int refusals, string reason);

    [LoggerMessage(12, LogLevel.Warning, "Could not save the executed command id {CommandId} (remembered until a reboot)")]
    public static partial void ExecutedCommandsNotSaved(ILogger logger, string commandId, Exception exception);

    [LoggerMessage(13, LogLevel.Warning, "Ignored a malformed desired state on {Topic}")]
    public static partial void DesiredStateMalformed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(14, LogLevel.Warning, "The desired-state handler failed on version {Version}; it stays unapplied")]
    public static partial void DesiredStateFailed(ILogger logger, ulong version, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "The file of executed command ids in {Directory} was damaged and is ignored: resent commands may run again")]
    public static partial void ExecutedCommandsDamaged(ILogger logger, string directory);
}
