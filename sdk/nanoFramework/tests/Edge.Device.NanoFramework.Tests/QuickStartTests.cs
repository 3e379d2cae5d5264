using Edge.Device.NanoFramework.Tests.Support;
using Edge.Protocol.Commands;

namespace Edge.Device.NanoFramework.Tests;

/// <summary>The README's quick start, compiled and run (over the loopback server instead of a TcpChannel).</summary>
public sealed class QuickStartTests
{
    private static double ReadTemperature() => 21.5;

    private static bool Blink(string name, EdgeCommand command, out string? message)
    {
        message = "blinked";
        return true;
    }

    [Fact]
    public async Task QuickStart_ReadmeLines_ConnectPublishTelemetryAndStopCleanly()
    {
        var broker = new LoopbackBroker();
        var device = new TelemetryRuntime(broker, new TelemetryOptions { DeviceId = "esp32-01", Secret = "s3cret" });
        device.AddSensor("temperature", "Cel", ReadTemperature, 10_000, 0.1);
        device.OnCommand("blink", Blink);
        device.Start();

        await TestWait.ForAsync(() => broker.PublishesSnapshot().Any(p => p.Topic == "edge/v1/esp32-01/status"), "connected: online");
        await TestWait.ForAsync(() => device.PendingReadings == 1, "the first reading waits in the batch");
        device.Dispose(); // publishes the batch and "offline", drains the queue, disconnects

        Assert.Contains(broker.PublishesSnapshot(), p => p.Topic == "edge/v1/esp32-01/telemetry");
        Assert.Contains(broker.PublishesSnapshot(), p => p.Topic == "edge/v1/esp32-01/status" && p.Payload.SequenceEqual("offline"u8.ToArray()));
    }
}
