using Edge.Protocol.Senml;
using Edge.Protocol.Topics;

namespace Edge.Protocol.Tests;

/// <summary>The example of docs/protocol.md, built with the public encoder.</summary>
internal static class Golden
{
    public const string DeviceId = "esp32-01";
    public const uint BootId = 0x12345678;
    public const uint Sequence = 42;
    public const double BaseTime = 1700000000;

    public static byte[] Telemetry()
    {
        var temperature = new SenmlName("temperature", "Cel");
        var humidity = new SenmlName("humidity", "%RH");
        var encoder = new SenmlEncoder(EdgeTopics.BaseName(DeviceId));
        var buffer = new byte[256];
        encoder.Begin(buffer, 0, buffer.Length, BaseTime, BootId, Sequence);
        Assert.True(encoder.TryAddNumber(temperature, 21.5, 0));
        Assert.True(encoder.TryAddNumber(humidity, 40, 0));
        var length = encoder.Finish();
        return buffer[..length];
    }
}
