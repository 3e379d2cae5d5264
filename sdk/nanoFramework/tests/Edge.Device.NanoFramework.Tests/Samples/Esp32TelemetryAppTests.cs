using Edge.Device.NanoFramework.Tests.Support;
using Edge.Protocol.Commands;
using Edge.Protocol.Senml;
using Edge.Protocol.State;
using Esp32.Telemetry;

namespace Edge.Device.NanoFramework.Tests.Samples;

/// <summary>The ESP32 sample's app (compiled from samples/Esp32.Telemetry) with a fake BME280 over the loopback server.</summary>
public sealed class Esp32TelemetryAppTests
{
    private sealed class FakeBme280 : IClimateSensor
    {
        public double TemperatureCelsius { get; set; } = 21.5;

        public double HumidityPercent { get; set; } = 40;

        public double PressurePascals { get; set; } = 101_325;

        public bool Measure() => true;
    }

    private static TelemetryApp App(LoopbackBroker broker, FakeBme280 sensor) => new(broker, sensor, new TelemetryOptions
    {
        DeviceId = DeviceConfig.Parse(Settings.DeviceConfig).DeviceId,
        Secret = DeviceConfig.Parse(Settings.DeviceConfig).Secret,
        Mqtt = new MqttClientOptions { PollMilliseconds = 20 },
    });

    [Fact]
    public void Settings_DeviceConfig_TwoGatewaysInOrderAndTheGatewayAsTimeServer()
    {
        var config = DeviceConfig.Parse(Settings.DeviceConfig);

        Assert.Equal(["192.168.1.10", "192.168.1.11"], config.GatewayHosts);
        Assert.Equal([1883, 1883], config.GatewayPorts);
        Assert.Equal("192.168.1.10", config.TimeServer);
        Assert.Equal(2, TcpChannel.ForGateways(config.GatewayHosts, config.GatewayPorts, config.UseTls, null, null).Length);
    }

    [Fact]
    public void ClockStatus_NoTimeServer_SaysTheFirmwareClockIsUsed()
    {
        using var app = App(new LoopbackBroker(), new FakeBme280());

        Assert.StartsWith("no time server configured", app.ClockStatus(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeasureOnce_FakeBme280_PublishesTemperatureHumidityPressure()
    {
        var broker = new LoopbackBroker();
        using var app = App(broker, new FakeBme280());
        app.Start();

        app.MeasureOnce();
        app.Runtime.Flush();

        await TestWait.ForAsync(() => broker.PublishesSnapshot().Any(p => p.Topic.EndsWith("/telemetry", StringComparison.Ordinal)), "telemetry");
        var pack = SenmlDecoder.Decode(broker.PublishesSnapshot().First(p => p.Topic == "edge/v1/esp32-01/telemetry").Payload);
        Assert.Equal(["esp32-01:temperature", "esp32-01:humidity", "esp32-01:pressure"], Enumerable.Range(0, pack.Count).Select(i => pack[i].ResolvedName));
        Assert.Equal([21.5, 40, 101_325], Enumerable.Range(0, pack.Count).Select(i => pack[i].ResolvedValue));
        Assert.Equal(["Cel", "%RH", "Pa"], Enumerable.Range(0, pack.Count).Select(i => pack[i].ResolvedUnit));
    }

    [Fact]
    public async Task IntervalCommand_ValidArgs_ChangesIntervalAndAcksOk()
    {
        var broker = new LoopbackBroker();
        using var app = App(broker, new FakeBme280());
        app.Start();
        await TestWait.ForAsync(() => app.Runtime.Client.IsConnected, "connected");

        var payload = new byte[64];
        var n = EdgeCommandCodec.EncodeCommand(payload, 0, payload.Length, "c-1", [0x19, 0x13, 0x88], 0, 3);
        var packet = new byte[128];
        const string topic = "edge/v1/esp32-01/cmd/interval";
        var length = MqttPacketWriter.WritePublish(packet, 0, topic, topic.Length, payload, 0, n, MqttQos.AtLeastOnce, false, false, 3);
        broker.SendToClient(packet[..length]);

        await TestWait.ForAsync(() => app.IntervalMilliseconds == 5_000, "interval changed");
        await TestWait.ForAsync(() => broker.PublishesSnapshot().Any(p => p.Topic == "edge/v1/esp32-01/cmd-ack"), "ack");
        var ack = broker.PublishesSnapshot().First(p => p.Topic == "edge/v1/esp32-01/cmd-ack");
        Assert.True(EdgeCommandCodec.DecodeAck(ack.Payload, 0, ack.Payload.Length).Ok);
    }

    [Fact]
    public async Task DesiredState_IntervalDocument_AppliedAndReported()
    {
        var broker = new LoopbackBroker();
        using var app = App(broker, new FakeBme280());
        app.Start();
        await TestWait.ForAsync(() => broker.Locked(() => broker.Subscriptions.Contains("edge/v1/esp32-01/desired")), "subscribed to desired");

        var payload = new byte[64];
        var n = EdgeStateCodec.Encode(payload, 0, payload.Length, 12, [0x19, 0x07, 0xD0], 0, 3); // Kafka value 2000
        broker.SendToClient(CommandPacket.Publish("edge/v1/esp32-01/desired", payload[..n], retain: true));

        await TestWait.ForAsync(() => broker.PublishesSnapshot().Any(p => p.Topic == "edge/v1/esp32-01/reported"), "report");
        Assert.Equal(2_000, app.IntervalMilliseconds);
        var report = broker.PublishesSnapshot().First(p => p.Topic == "edge/v1/esp32-01/reported");
        Assert.Equal(12UL, EdgeStateCodec.Decode(report.Payload, 0, report.Payload.Length).Version);
    }
}
