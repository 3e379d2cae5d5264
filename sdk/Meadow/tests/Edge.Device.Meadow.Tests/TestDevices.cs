namespace Edge.Device.Meadow.Tests;

/// <summary>Options and folders for devices under test.</summary>
internal static class TestDevices
{
    /// <summary>Generous safety net for waits on real processes (the CI machine is shared and slow).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static string NewQueueFolder() => Directory.CreateTempSubdirectory("edge-meadow-queue-").FullName;

    public static EdgeDeviceOptions Options(int port, string queueFolder, string deviceId) => new()
    {
        DeviceId = deviceId,
        Host = "127.0.0.1",
        Port = port,
        QueueDirectory = queueFolder,
        BatchInterval = TimeSpan.FromMilliseconds(20),
        MaxBatchReadings = 10,
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        KeepAlive = TimeSpan.FromSeconds(5),
        OperationTimeout = TimeSpan.FromSeconds(10),
    };
}
