using System.Net;
using System.Net.Sockets;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Ingest;
using Edge.Gateway.Log;
using Edge.Gateway.Records;
using Edge.Gateway.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Edge.Gateway.Fuzz;

/// <summary>
/// The gateway's ingest, composed as the gateway composes it (settings, durable log in a temp directory, metrics,
/// security services, <c>MqttIngestService</c> with the frame guard) but without Kafka egress: what reaches the log
/// is what would reach Kafka. <see cref="RunAsync"/> sends one input over a real socket after a valid CONNECT and checks
/// the oracle: the connection ends, every record stored is a PUBLISH the protocol allows (<see cref="ReferencePublishes"/>),
/// and memory stays bounded. Not thread-safe: one input at a time.
/// </summary>
public sealed class IngestHarness : IAsyncDisposable
{
    /// <summary>Caps the harness runs with (small, so a cap is reachable by mutation).</summary>
    public const int MaxPayloadBytes = 4096, MaxTopicBytes = 128, TopicAliasMaximum = 4;

    private static readonly TimeSpan InputTimeout = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo _directory;
    private readonly ServiceProvider _services;
    private readonly IDurableLog _log;
    private readonly ILogReader _reader;
    private readonly UnguardedTransport? _unguarded;
    private readonly int _port;
    private readonly long _baselineHeap;
    private long _inputs;

    private IngestHarness(DirectoryInfo directory, ServiceProvider services, IDurableLog log, int port, UnguardedTransport? unguarded)
    {
        _directory = directory;
        _services = services;
        _log = log;
        _reader = log.OpenReader(log.NextOffset);
        _unguarded = unguarded;
        _port = unguarded?.Port ?? port;
        _baselineHeap = GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Inputs run so far.</summary>
    public long Inputs => _inputs;

    /// <summary>Records stored so far (each checked against the oracle).</summary>
    public long Stored { get; private set; }

    /// <summary>
    /// Starts the ingest on a loopback port. With <paramref name="frameGuard"/> false (the control experiment only, see
    /// <see cref="UnguardedTransport"/>), inputs go to the same broker through MQTTnet's own transport instead of the
    /// gateway's guarded listener, and the oracle must then find records stored from malformed packets. The durable log
    /// goes to a new directory under <paramref name="dataParent"/> (default: the temp directory), deleted on dispose; a
    /// harness killed by afl-fuzz leaves it behind, so an afl run points this into its own directory.
    /// </summary>
    public static async Task<IngestHarness> StartAsync(bool frameGuard = true, string? dataParent = null)
    {
        var directory = dataParent is null ? Directory.CreateTempSubdirectory("edge-fuzz-") : Directory.CreateDirectory(Path.Combine(dataParent, Path.GetRandomFileName()));
        var port = FreePort();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Id"] = "fuzz",
            ["Mqtt:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:BindAddress"] = "127.0.0.1",
            ["Mqtt:AllowAnonymous"] = "true",
            ["Mqtt:MaxPayloadBytes"] = MaxPayloadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:MaxTopicBytes"] = MaxTopicBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:TopicAliasMaximum"] = TopicAliasMaximum.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:FullRetryDelayMilliseconds"] = "0",
            ["Storage:Path"] = directory.FullName,
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
        }).Build();
        var settings = GatewaySettings.Load(configuration);
        var log = DurableLog.Open(settings.ToLogOptions());
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(settings)
            .AddSingleton(log)
            .AddSingleton(TimeProvider.System)
            .AddSingleton<GatewayMetrics>()
            .AddSingleton<IHostApplicationLifetime, HarnessLifetime>()
            .AddGatewaySecurity(settings)
            .AddSingleton<MqttIngestService>()
            .BuildServiceProvider();
        var ingest = services.GetRequiredService<MqttIngestService>();
        await ingest.StartAsync(CancellationToken.None).ConfigureAwait(false);
        var unguarded = frameGuard ? null : UnguardedTransport.Start(ingest, FreePort());
        return new IngestHarness(directory, services, log, port, unguarded);
    }

    /// <summary>
    /// Sends a CONNECT (MQTT 5 when the first input byte is odd, else 3.1.1; a fresh client id each time), then the rest
    /// of the input, then closes its sending side. Throws <see cref="InvalidOperationException"/> when the oracle fails.
    /// </summary>
    public async Task RunAsync(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var v5 = input.Length > 0 && (input[0] & 1) == 1;
        var clientId = "fuzz-" + Interlocked.Increment(ref _inputs);
        var stream = input.Length > 0 ? input.AsSpan(1).ToArray() : [];
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            using var timeout = new CancellationTokenSource(InputTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), timeout.Token).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(Connect(clientId, v5), timeout.Token).ConfigureAwait(false);
                await socket.SendAsync(stream, timeout.Token).ConfigureAwait(false);
                socket.Shutdown(SocketShutdown.Send);
                var sink = new byte[4096];
                while (await socket.ReceiveAsync(sink, timeout.Token).ConfigureAwait(false) > 0)
                {
                }
            }
            catch (SocketException)
            {
                // The gateway closed first (a refused packet): that is an end too.
            }
            catch (OperationCanceledException)
            {
                throw new InvalidOperationException($"the gateway neither answered nor closed within {InputTimeout.TotalSeconds} s: {Convert.ToHexString(input)}");
            }
        }

        await CheckStoredAsync(ReferencePublishes.Read(stream, v5, MaxTopicBytes, MaxPayloadBytes, TopicAliasMaximum), clientId, input).ConfigureAwait(false);
        if (_inputs % 256 == 0)
        {
            CheckMemory();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _unguarded?.Dispose();
        await _services.GetRequiredService<MqttIngestService>().StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
        _reader.Dispose();
        await _log.DisposeAsync().ConfigureAwait(false);
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task CheckStoredAsync(List<AllowedPublish> allowed, string clientId, byte[] input)
    {
        // QoS 0 becomes durable with the next group commit: read up to what was appended.
        var end = _log.NextOffset;
        using var timeout = new CancellationTokenSource(InputTimeout);
        while (_reader.Position < end)
        {
            var record = IngestRecord.Decode((await _reader.ReadAsync(timeout.Token).ConfigureAwait(false)).Payload);
            Stored++;
            var match = allowed.FindIndex(a => record.ClientId == clientId && a.Topic == record.Topic && a.QoS == record.QoS && a.Retain == record.Retain && record.Payload.Span.SequenceEqual(a.Payload));
            if (match < 0)
            {
                throw new InvalidOperationException($"stored a record no valid PUBLISH of the input allows (client '{record.ClientId}', topic '{record.Topic}', QoS {record.QoS}, {record.Payload.Length} bytes): {Convert.ToHexString(input)}");
            }

            allowed.RemoveAt(match);
        }
    }

    private void CheckMemory()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        if (heap - _baselineHeap > 128L * 1024 * 1024)
        {
            throw new InvalidOperationException($"managed heap grew from {_baselineHeap / 1024 / 1024} MB to {heap / 1024 / 1024} MB after {_inputs} inputs");
        }
    }

    private static byte[] Connect(string clientId, bool v5)
    {
        var id = System.Text.Encoding.ASCII.GetBytes(clientId);
        List<byte> body = [0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', (byte)(v5 ? 5 : 4), 0x02, 0, 30];
        if (v5)
        {
            body.Add(0);
        }

        body.AddRange([(byte)(id.Length >> 8), (byte)id.Length, .. id]);
        return MqttBytes.Packet(0x10, [.. body]);
    }

    private static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private sealed class HarnessLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
