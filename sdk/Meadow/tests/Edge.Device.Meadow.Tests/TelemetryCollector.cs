using System.Buffers;
using System.Collections.Concurrent;
using Edge.Protocol.Senml;
using Edge.Protocol.Topics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Device.Meadow.Tests;

/// <summary>
/// An independent subscriber (its own MQTTnet client, QoS 1, persistent MQTT 5 session so nothing published
/// while it reconnects is lost) that decodes every telemetry pack and indexes readings by value.
/// </summary>
internal sealed class TelemetryCollector : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly int _port;
    private readonly string _clientId = "collector-" + Guid.NewGuid().ToString("N")[..12];
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly List<(string DeviceId, SenmlPack Pack)> _packs = [];
    private Task _loop = Task.CompletedTask;

    private TelemetryCollector(int port) => _port = port;

    public ConcurrentQueue<(string Topic, byte[] Payload, bool Retain)> Other { get; } = new();

    public static async Task<TelemetryCollector> StartAsync(int port)
    {
        var collector = new TelemetryCollector(port);
        collector._client.ApplicationMessageReceivedAsync += collector.OnMessage;
        await collector.ConnectAsync(CancellationToken.None);
        collector._loop = Task.Run(collector.ReconnectLoopAsync);
        return collector;
    }

    public List<(string DeviceId, SenmlPack Pack)> Packs
    {
        get
        {
            lock (_gate)
            {
                return [.. _packs];
            }
        }
    }

    /// <summary>Values of every reading received for a device, in arrival order (duplicates included).</summary>
    public List<double> Values(string deviceId) =>
        [.. Packs.Where(p => p.DeviceId == deviceId).SelectMany(p => Enumerable.Range(0, p.Pack.Count).Select(i => p.Pack[i].Value))];

    /// <summary>Distinct values received for a device.</summary>
    public HashSet<double> DistinctValues(string deviceId) => [.. Values(deviceId)];

    /// <summary>Number of packs received more than once (same boot id and sequence).</summary>
    public int DuplicatePacks(string deviceId) =>
        Packs.Where(p => p.DeviceId == deviceId).GroupBy(p => (p.Pack.BootId, p.Pack.Sequence)).Sum(g => g.Count() - 1);

    /// <summary>First-arrival order of values for a device (duplicates removed).</summary>
    public List<double> FirstArrivals(string deviceId)
    {
        var seen = new HashSet<(uint, uint)>();
        var values = new List<double>();
        foreach (var (device, pack) in Packs.Where(p => p.DeviceId == deviceId))
        {
            if (seen.Add((pack.BootId, pack.Sequence)))
            {
                values.AddRange(Enumerable.Range(0, pack.Count).Select(i => pack[i].Value));
            }
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(0).Build());
        }
        catch (Exception)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
        var payload = e.ApplicationMessage.Payload.ToArray();
        var topic = EdgeTopics.Parse(e.ApplicationMessage.Topic);
        if (topic.Kind == EdgeTopicKind.Telemetry)
        {
            var pack = SenmlDecoder.Decode(payload);
            lock (_gate)
            {
                _packs.Add((topic.DeviceId, pack));
            }
        }
        else
        {
            Other.Enqueue((e.ApplicationMessage.Topic, payload, e.ApplicationMessage.Retain));
        }

        return Task.CompletedTask;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithClientId(_clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        var result = await _client.ConnectAsync(options, cancellationToken);
        if (!result.IsSessionPresent)
        {
            await _client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(f => f.WithTopic("edge/v1/+/telemetry").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .WithTopicFilter(f => f.WithTopic("edge/v1/+/status").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .WithTopicFilter(f => f.WithTopic("edge/v1/+/cmd-ack").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .WithTopicFilter(f => f.WithTopic("edge/v1/+/reported").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .Build(),
                cancellationToken);
        }
    }

    private async Task ReconnectLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(100, _stop.Token);
                if (!_client.IsConnected)
                {
                    await ConnectAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception)
            {
                // broker down: try again
            }
        }
    }
}
