using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Bench.Pipeline;

/// <summary>
/// C MQTTnet clients (MQTT 3.1.1, QoS 1, one topic each: edge/v1/dev-N/telemetry) in this process.
/// Closed loop: each connection keeps <c>window</c> publishes in flight ("as fast as acks come").
/// Open loop: one scheduler fires publish i at its intended time start + i/rate, round robin over the connections,
/// without waiting for earlier acks; latency is measured from the intended time, so a stalled system is charged for
/// the whole stall (no coordinated omission).
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    private readonly IMqttClient[] _clients;
    private readonly string[] _topics;
    private readonly int _payloadBytes;
    private long _sequence;

    private LoadGenerator(IMqttClient[] clients, string[] topics, int payloadBytes)
    {
        _clients = clients;
        _topics = topics;
        _payloadBytes = payloadBytes;
    }

    /// <summary>The next sequence number to be sent.</summary>
    public long NextSequence => Interlocked.Read(ref _sequence) + 1;

    /// <param name="subscribeLikeDevices">
    /// Each connection also subscribes to its device's command and desired-state topics, as an Edge SDK device does at
    /// every connect (edge/v1/dev-N/cmd/+ and edge/v1/dev-N/desired, QoS 1): the broker then has one subscriber session
    /// per device, none of which receives telemetry.
    /// </param>
    public static async Task<LoadGenerator> ConnectAsync(int port, int connections, int payloadBytes, bool subscribeLikeDevices = false)
    {
        var factory = new MqttClientFactory();
        var clients = new IMqttClient[connections];
        var topics = new string[connections];
        using var parallel = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async i =>
        {
            await parallel.WaitAsync();
            try
            {
                var client = factory.CreateMqttClient();
                var options = new MqttClientOptionsBuilder()
                    .WithTcpServer("127.0.0.1", port)
                    .WithClientId($"dev-{i}")
                    .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
                    .WithCleanSession(true)
                    .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
                    .WithTimeout(TimeSpan.FromSeconds(60))
                    .Build();
                await client.ConnectAsync(options);
                if (subscribeLikeDevices)
                {
                    await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter($"edge/v1/dev-{i}/cmd/+", MqttQualityOfServiceLevel.AtLeastOnce)
                        .WithTopicFilter($"edge/v1/dev-{i}/desired", MqttQualityOfServiceLevel.AtLeastOnce)
                        .Build());
                }

                clients[i] = client;
                topics[i] = $"edge/v1/dev-{i}/telemetry";
            }
            finally
            {
                parallel.Release();
            }
        }));
        return new LoadGenerator(clients, topics, payloadBytes);
    }

    public async Task<LoadResult> RunClosedLoopAsync(TimeSpan duration, int window, LatencySamples latencies)
    {
        var first = NextSequence;
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long acked = 0, failed = 0;
        var loops = new List<Task>();
        for (var c = 0; c < _clients.Length; c++)
        {
            var connection = c;
            for (var w = 0; w < window; w++)
            {
                loops.Add(Task.Run(async () =>
                {
                    while (Stopwatch.GetTimestamp() < end)
                    {
                        var sent = Stopwatch.GetTimestamp();
                        if (await PublishAsync(connection, sent))
                        {
                            latencies.Add(Payload.MillisecondsSince(sent));
                            Interlocked.Increment(ref acked);
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                }));
            }
        }

        await Task.WhenAll(loops);
        return new LoadResult(first, NextSequence - first, acked, failed, Stopwatch.GetElapsedTime(start).TotalSeconds, start);
    }

    /// <summary>Closed loop until <paramref name="count"/> publishes were acknowledged (or failed): a fixed backlog.</summary>
    public async Task<LoadResult> RunCountAsync(long count, int window)
    {
        var first = NextSequence;
        var start = Stopwatch.GetTimestamp();
        long claimed = 0, acked = 0, failed = 0;
        var loops = new List<Task>();
        for (var c = 0; c < _clients.Length; c++)
        {
            var connection = c;
            for (var w = 0; w < window; w++)
            {
                loops.Add(Task.Run(async () =>
                {
                    while (Interlocked.Increment(ref claimed) <= count)
                    {
                        if (await PublishAsync(connection, Stopwatch.GetTimestamp()))
                        {
                            Interlocked.Increment(ref acked);
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }
                }));
            }
        }

        await Task.WhenAll(loops);
        return new LoadResult(first, NextSequence - first, acked, failed, Stopwatch.GetElapsedTime(start).TotalSeconds, start);
    }

    public async Task<LoadResult> RunOpenLoopAsync(double rate, TimeSpan duration, LatencySamples latencies)
    {
        var first = NextSequence;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var count = (long)(rate * duration.TotalSeconds);
        var ticksPerMessage = Stopwatch.Frequency / rate;
        long acked = 0, failed = 0, outstanding = 0;
        for (long i = 0; i < count; i++)
        {
            var intended = start + (long)(i * ticksPerMessage);
            var ahead = intended - Stopwatch.GetTimestamp();
            if (ahead > Stopwatch.Frequency / 1000)
            {
                await Task.Delay(TimeSpan.FromTicks(ahead * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            }

            Interlocked.Increment(ref outstanding);
            var connection = (int)(i % _clients.Length);
            _ = Task.Run(async () =>
            {
                if (await PublishAsync(connection, intended))
                {
                    latencies.Add(Payload.MillisecondsSince(intended));
                    Interlocked.Increment(ref acked);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }

                Interlocked.Decrement(ref outstanding);
            });
        }

        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (Interlocked.Read(ref outstanding) > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(10);
        }

        return new LoadResult(first, count, acked, failed, Stopwatch.GetElapsedTime(start).TotalSeconds, start);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                await client.DisconnectAsync();
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
            }

            client.Dispose();
        }
    }

    private async Task<bool> PublishAsync(int connection, long intendedTicks)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_topics[connection])
            .WithPayload(Payload.Create(_payloadBytes, intendedTicks, sequence))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            var result = await _clients[connection].PublishAsync(message);
            return result.IsSuccess;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            return false;
        }
    }
}
