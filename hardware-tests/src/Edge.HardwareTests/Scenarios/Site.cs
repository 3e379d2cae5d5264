using System.Diagnostics;
using System.Net;
using Edge.Gateway.DevKafka;
using Edge.HardwareTests.Bench;
using Edge.HardwareTests.Fleet;
using Edge.HardwareTests.Kafka;
using Edge.HardwareTests.Proxy;
using Edge.HardwareTests.Soak;
using Edge.Testing;

namespace Edge.HardwareTests.Scenarios;

/// <summary>
/// Everything one scenario runs against. Simulated: librdkafka's mock Kafka in this process (it survives the
/// gateway's SIGKILL), the real gateway as a child process, the fault proxy, the fleet, the verifier.
/// Bench: the boards, gateway and Kafka of <see cref="BenchConfig"/>, driven by its commands; only Kafka is read.
/// Scenarios call the same operations in both modes.
/// </summary>
internal sealed class Site : IAsyncDisposable
{
    public const string Topic = "edge.telemetry";
    private readonly ScenarioContext _context;
    private readonly SiteOptions _options;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _notes = [];
    private readonly List<string> _failures = [];
    private MockKafkaCluster? _kafka;
    private GatewayProcess? _gateway;
    private GatewayProcess? _gatewayB; // SiteOptions.SecondGateway
    private GatewayMemorySampler? _memory;

    private Site(ScenarioContext context, SiteOptions options)
    {
        _context = context;
        _options = options;
    }

    public TcpFaultProxy? Proxy { get; private set; }

    /// <summary>The simulated fleet; null on a bench.</summary>
    public SimulatedFleet? Fleet { get; private set; }

    public KafkaVerifier Verifier { get; private set; } = null!;

    public IReadOnlySet<string> DeviceIds { get; private set; } = new HashSet<string>();

    /// <summary>The gateway's console output so far (simulated mode; empty on a bench).</summary>
    public string GatewayOutput => (_gateway?.Output ?? "") + (_gatewayB is { } b ? "\n--- gw-b ---\n" + b.Output : "");

    private BenchConfig? Bench => _context.Bench;

    private CancellationToken Token => _context.CancellationToken;

    public static async Task<Site> OpenAsync(ScenarioContext context, SiteOptions options)
    {
        var site = new Site(context, options);
        try
        {
            await site.OpenAsync();
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    public void Note(string note)
    {
        _notes.Add(note);
        _context.Log(note);
    }

    /// <summary>Records a scenario-specific failure (the fault did not happen as designed, …).</summary>
    public void Fail(string failure) => _failures.Add(failure);

    /// <summary>Powers every device on at once and waits until all are connected (simulated) — a site power return.</summary>
    public async Task PowerOnDevicesAsync(TimeSpan timeout)
    {
        if (Fleet is { } fleet)
        {
            var started = Stopwatch.StartNew();
            await fleet.StartAllAsync();
            try
            {
                await Eventually.TrueAsync(() => fleet.Connected == fleet.Devices.Count, timeout, $"all {fleet.Devices.Count} devices connected", Token);
            }
            catch (TimeoutException e)
            {
                var down = fleet.Devices.Where(d => !d.IsConnected).ToList();
                throw new TimeoutException($"{e.Message}: {down.Count} not connected ({down.Count(d => d.Kind == DeviceKind.NanoFramework)} nanoFramework), e.g. "
                    + string.Join("; ", down.Take(3).Select(d => d.Describe())) + "\ngateway output (tail):\n" + Tail(GatewayOutput, 30), e);
            }

            Note($"{fleet.Devices.Count} devices connected in {started.Elapsed.TotalSeconds:0.0} s");
            return;
        }

        await PowerCycleBoardsAsync(Bench!.Devices);
    }

    public void StartRecording() => Fleet?.StartRecording();

    public Task StopRecordingAsync() => Fleet?.StopRecordingAsync() ?? Task.CompletedTask;

    /// <summary>Lets the devices record for a while (on a bench the boards publish on their own).</summary>
    public Task RecordForAsync(TimeSpan duration)
        => Fleet?.RecordForAsync(duration, Token) ?? Task.Delay(duration, Token);

    public Task DelayAsync(TimeSpan duration) => Task.Delay(duration, Token);

    /// <summary>Gateway power cut: SIGKILL, off for a while, start again on the same data directory and port.</summary>
    public async Task CutGatewayPowerAsync(TimeSpan off)
    {
        if (_gateway is { } gateway)
        {
            gateway.Kill();
            await Task.Delay(off, Token);
            await gateway.StartAsync();
            return;
        }

        await RunAsync(Bench!.Gateway.PowerCycle, "gateway.powerCycle");
    }

    /// <summary>
    /// A site with <see cref="SiteOptions.SecondGateway"/>: gateway 0 (the first, <c>test-gw</c>) or 1 (<c>gw-b</c>) loses
    /// power (SIGKILL, stays off) or comes back on its data directory and port.
    /// </summary>
    public async Task SetGatewayPowerAsync(int gateway, bool on)
    {
        var process = (gateway == 0 ? _gateway : _gatewayB) ?? throw new ScenarioNotApplicableException("no simulated gateway " + gateway + " (SiteOptions.SecondGateway, simulated mode only)");
        if (on)
        {
            await process.StartAsync();
        }
        else
        {
            process.Kill();
        }
    }

    public async Task SetKafkaAsync(bool up)
    {
        if (_kafka is { } kafka)
        {
            if (up)
            {
                kafka.SetAllBrokersUp();
            }
            else
            {
                kafka.SetAllBrokersDown();
            }

            return;
        }

        await RunAsync(up ? Bench!.Kafka.Start : Bench!.Kafka.Stop, up ? "kafka.start" : "kafka.stop");
    }

    /// <summary>The access point loses power: every device's connection drops (proxy reset, or the bench's smart plug).</summary>
    public async Task CutWifiAsync()
    {
        if (Fleet is not null)
        {
            Proxy!.ResetAll();
            return;
        }

        await RunAsync(Bench!.WifiPowerCycle, "wifiPowerCycle");
    }

    /// <summary>Bench: runs gateway.shrinkLog (simulated sites get their small log from <see cref="SiteOptions.GatewayArguments"/>).</summary>
    public Task ShrinkGatewayLogAsync() => Bench is { } bench ? RunAsync(bench.Gateway.ShrinkLog, "gateway.shrinkLog") : Task.CompletedTask;

    /// <summary>Bench: runs gateway.restoreLog.</summary>
    public Task RestoreGatewayLogAsync() => Bench is { } bench ? RunAsync(bench.Gateway.RestoreLog, "gateway.restoreLog") : Task.CompletedTask;

    /// <summary>Power-cycles these devices (their RAM is lost; a Meadow's flash queue survives).</summary>
    public async Task RebootDevicesAsync(IEnumerable<string> ids)
    {
        var set = ids.ToHashSet();
        if (Fleet is { } fleet)
        {
            await Task.WhenAll(fleet.Devices.Where(d => set.Contains(d.DeviceId)).Select(d => d.RebootAsync()));
            return;
        }

        await PowerCycleBoardsAsync(Bench!.Devices.Where(d => set.Contains(d.Id)));
    }

    /// <summary>The proxy, or not applicable on a bench without <see cref="BenchConfig.ProxyPort"/>.</summary>
    public TcpFaultProxy RequireProxy()
        => Proxy ?? throw new ScenarioNotApplicableException("bench.json has no proxyPort: the boards do not go through the fault proxy");

    /// <summary>
    /// Stops recording, waits until every device drained its queue and Kafka holds every promised reading,
    /// then judges delivery. On a bench: waits the settle time and judges from Kafka alone.
    /// </summary>
    public async Task<ScenarioResult> FinishAsync(string name)
    {
        DeliveryReport report;
        if (Fleet is { } fleet)
        {
            await JudgeMemoryAsync(); // over the recording only: draining and judging are not the steady state
            await fleet.StopRecordingAsync();
            try
            {
                await fleet.DrainAsync(_options.DrainTimeout, Token);
            }
            catch (TimeoutException e)
            {
                Fail(e.Message);
            }

            var ledgers = fleet.Ledgers.ToList();
            if (!await Verifier.WaitForPromisedAsync(ledgers, TimeSpan.FromSeconds(60), Token))
            {
                Fail("Kafka did not hold every promised reading within 60 s of the devices draining");
            }

            // Simulated SDK devices against a gateway in ExactlyOnce (its default): no pack twice by (device, bid, seq) (issue 16).
            report = DeliveryAnalysis.Analyze(Verifier.Observations, ledgers, DeviceIds, exactlyOnce: !_options.GatewayArguments.Contains("--Kafka:Delivery=AtLeastOnce"), toleratesProducerRetries: _options.TakesKafkaDown, toleratesCrossGatewayCopies: _options.SecondGateway);
            if (report.CrossGateway > 0)
            {
                Note($"{report.CrossGateway} packs in Kafka from both gateways by (device, bid, seq): each gateway drops its own resends, a device that failed over resent to the other what the first may have logged; a consumer drops them by (device, bid, seq) (docs/kafka-records.md)");
            }

            if (report.ToleratesProducerRetries && report.ResentByGateway > 0)
            {
                Note($"{report.ResentByGateway} packs in Kafka twice as copies of one log record: the mock cluster appended the producer's retries while Kafka was down (a real broker refuses them as duplicate sequences); not counted against exactly once");
            }
            if (report.Promised == 0)
            {
                Fail("no reading was promised: the scenario proved nothing");
            }

            if (!report.Passed)
            {
                // What the gateway's egress did (sessions, rewinds, read-backs) is what explains a duplicate or a gap.
                var egress = GatewayOutput.Split('\n').Where(l => l.Contains("Kafka egress", StringComparison.Ordinal) || l.Contains("Read-back", StringComparison.Ordinal) || l.Contains("re-sending", StringComparison.Ordinal) || l.Contains("delivery", StringComparison.OrdinalIgnoreCase));
                Note("gateway egress lines (tail):\n" + Tail(string.Join('\n', egress), 40));
            }
        }
        else
        {
            // The boards keep publishing: wait the settle time, then judge a snapshot. Each device's records share a
            // partition, so the snapshot is a prefix of each device's stream and the gap analysis is not fooled by
            // packs still on their way (they are after the last one it sees).
            await Task.Delay(TimeSpan.FromSeconds(Bench!.SettleSeconds), Token);
            await Verifier.WaitQuietAsync(TimeSpan.FromSeconds(2), Token, atMost: TimeSpan.FromSeconds(5));
            var observed = Verifier.Observations; // one snapshot for both checks
            report = DeliveryAnalysis.Analyze(observed, null, DeviceIds);
            var heard = observed.Select(o => o.DeviceId).ToHashSet();
            var silent = DeviceIds.Where(id => !heard.Contains(id)).Order().ToList();
            if (silent.Count > 0)
            {
                // Kafka-only judging cannot see what a silent board lost: say so instead of passing on the others.
                Fail($"no telemetry reached Kafka from {string.Join(", ", silent)}: powered, flashed with that id, pointed at the gateway?");
            }
        }

        if (Verifier.Malformed > 0)
        {
            Fail($"{Verifier.Malformed} telemetry records in Kafka did not decode as SenML-CBOR");
        }

        return new ScenarioResult(name, report, _clock.Elapsed, [.. _notes]) { Failures = [.. _failures] };
    }

    public async ValueTask DisposeAsync()
    {
        if (Fleet is not null)
        {
            await Fleet.DisposeAsync();
        }

        if (_memory is not null)
        {
            await _memory.DisposeAsync();
        }

        Proxy?.Dispose();
        Verifier?.Dispose();
        _gateway?.Dispose();
        _gatewayB?.Dispose();
        _kafka?.Dispose();
    }

    private async Task OpenAsync()
    {
        if (Bench is { } bench)
        {
            if (_options.SecondGateway)
            {
                throw new ScenarioNotApplicableException("bench.json describes one gateway: a site with two needs a second gateway and its power commands (not in bench mode yet)");
            }

            DeviceIds = bench.Devices.Select(d => d.Id).ToHashSet();
            Verifier = new KafkaVerifier(bench.Kafka.BootstrapServers, bench.Kafka.Topic, fromEnd: true);
            if (bench.ProxyPort is { } port && bench.Gateway.Host is { } host)
            {
                var address = (await Dns.GetHostAddressesAsync(host, Token)).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
                Proxy = new TcpFaultProxy(new IPEndPoint(address, bench.Gateway.Port), IPAddress.Any);
                Proxy.Route("all", port);
            }

            return;
        }

        _kafka = MockKafkaCluster.Start(3);
        _kafka.CreateTopic(Topic, 3, 3);
        _gateway = new GatewayProcess(_kafka.BootstrapServers, [.. _options.GatewayArguments]);
        await _gateway.StartAsync();
        if (_context.Soak)
        {
            _memory = new GatewayMemorySampler(new Uri($"http://127.0.0.1:{_gateway.HttpPort}/metrics"), _context.Memory, _context.Log);
            _memory.Start();
        }

        Proxy = new TcpFaultProxy(new IPEndPoint(IPAddress.Loopback, _gateway.Port));
        var proxy = Proxy;
        var perDevice = _options.RoutePerDevice;
        if (_options.SecondGateway)
        {
            _gatewayB = new GatewayProcess(_kafka.BootstrapServers, [.. _options.GatewayArguments, "--Gateway:Id=gw-b"]);
            await _gatewayB.StartAsync();
            var b = _gatewayB.Port;
            Fleet = new SimulatedFleet(_options.Fleet, id => new (string Host, int Port)[] { ("127.0.0.1", proxy.Route(perDevice ? id : "all").Port), ("127.0.0.1", b) });
        }
        else
        {
            Fleet = new SimulatedFleet(_options.Fleet, id => ("127.0.0.1", proxy.Route(perDevice ? id : "all").Port));
        }

        DeviceIds = Fleet.Devices.Select(d => d.DeviceId).ToHashSet();
        Verifier = new KafkaVerifier(_kafka.BootstrapServers, Topic);
    }

    /// <summary>Soak: notes the gateway's memory trend and fails the scenario when a slope exceeds its limit.</summary>
    private async Task JudgeMemoryAsync()
    {
        if (_memory is null)
        {
            return;
        }

        var trend = await _memory.StopAsync();
        foreach (var line in trend.Lines())
        {
            Note(line);
        }

        foreach (var series in trend.Exceeded)
        {
            Fail($"the gateway's {series.Name} grew {series.SlopePerMinute:0.000} {series.Unit}/min after the warm-up (limit {series.Limit}): a leak, not a plateau");
        }
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private async Task PowerCycleBoardsAsync(IEnumerable<BenchDevice> devices)
    {
        var list = devices.ToList();
        if (list.Count == Bench!.Devices.Count && Bench.AllDevicesPowerCycle is { } all)
        {
            await RunAsync(all, "allDevicesPowerCycle");
            return;
        }

        await Task.WhenAll(list.Select(d => RunAsync(d.PowerCycle ?? d.Reset, $"devices[{d.Id}].powerCycle")));
    }

    private async Task RunAsync(string? command, string key)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ScenarioNotApplicableException($"bench.json has no '{key}' command");
        }

        await ShellCommand.RunAsync(command, _context.Log, Token);
    }
}
