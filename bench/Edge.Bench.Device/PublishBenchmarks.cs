using BenchmarkDotNet.Attributes;
using Edge.Device.NanoFramework;
using Edge.Protocol.Senml;
using MQTTnet;
using MQTTnet.Protocol;
using NanoMqttClient = Edge.Device.NanoFramework.MqttClient;

namespace Edge.Bench.Device;

/// <summary>
/// One SenML-CBOR reading encoded and published at QoS 1 until its PUBACK, by (a) the nanoFramework SDK's host build
/// over its TcpChannel and (b) the MQTTnet 5 client, both MQTT 3.1.1 on loopback TCP to the same minimal acking peer
/// (<see cref="AckingPeer"/>), so both pay the same sockets and the same (trivial) server. MQTTnet is measured twice:
/// as usually written (a builder per message) and at its leanest (one message object and payload buffer reused).
/// </summary>
[MemoryDiagnoser]
public class PublishBenchmarks
{
    private AckingPeer _peer = null!;
    private NanoMqttClient _nano = null!;
    private IMqttClient _mqttnet = null!;
    private SenmlEncoder _encoder = null!;
    private byte[] _buffer = null!;
    private MqttApplicationMessage _reused = null!;
    private long _acknowledged;
    private uint _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _peer = new AckingPeer();
        _encoder = new SenmlEncoder(EdgeTopicsBaseName);
        _buffer = new byte[256];
        _nano = new NanoMqttClient(new TcpChannel("127.0.0.1", _peer.Port), new Edge.Device.NanoFramework.MqttClientOptions
        {
            ClientId = Reading.DeviceId,
            CleanSession = true,
            QueueBytes = 16 * 1024,
            PollMilliseconds = 20,
        });
        _nano.Start();
        SpinWait.SpinUntil(() => _nano.IsConnected, 10_000);
        _mqttnet = new MqttClientFactory().CreateMqttClient();
        _mqttnet.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _peer.Port)
            .WithClientId("mqttnet-01")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .Build()).GetAwaiter().GetResult();
        _reused = new MqttApplicationMessageBuilder()
            .WithTopic(Reading.Topic)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _nano.Dispose();
        _mqttnet.DisconnectAsync().GetAwaiter().GetResult();
        _mqttnet.Dispose();
        _peer.Dispose();
    }

    [Benchmark(Baseline = true, Description = "nanoFramework SDK: encode + Publish QoS 1 + wait PUBACK")]
    public void NanoFramework()
    {
        var length = Reading.EncodeCbor(_encoder, _buffer, 1, ++_sequence);
        _nano.Publish(Reading.Topic, _buffer, 0, length, MqttQos.AtLeastOnce);
        var target = ++_acknowledged;
        var spin = default(SpinWait);
        while (_nano.AcknowledgedMessages < target)
        {
            // Spin and yield, never Thread.Sleep(1): a 1 ms sleep (SpinWait's default after ~20 spins) would measure
            // the timer slack, not the publish. On an idle machine it made this row ~1.1 ms instead of ~50 µs.
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    [Benchmark(Description = "MQTTnet 5: encode + builder + PublishAsync QoS 1")]
    public async Task MqttNetTypical()
    {
        var length = Reading.EncodeCbor(_encoder, _buffer, 1, ++_sequence);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Reading.Topic)
            .WithPayload(_buffer.AsSpan(0, length).ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await _mqttnet.PublishAsync(message);
    }

    [Benchmark(Description = "MQTTnet 5: encode + reused message + PublishAsync QoS 1")]
    public async Task MqttNetReused()
    {
        var length = Reading.EncodeCbor(_encoder, _buffer, 1, ++_sequence);
        _reused.Payload = new System.Buffers.ReadOnlySequence<byte>(_buffer, 0, length);
        await _mqttnet.PublishAsync(_reused);
    }

    private static string EdgeTopicsBaseName => Edge.Protocol.Topics.EdgeTopics.BaseName(Reading.DeviceId);
}
