using System.Net.Sockets;
using Confluent.Kafka;
using Edge.Gateway.Commands;
using Edge.Gateway.DevKafka;
using Edge.Gateway.Demo;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Egress;
using Edge.Gateway.Ingest;
using Edge.Gateway.Log;
using Edge.Gateway.Security;
using Edge.Gateway.Time;
using Edge.Gateway.Twin;
using Edge.Gateway.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Hosting;

/// <summary>
/// Wires the layers: the durable log (opened and recovered first), the Kafka egress, the MQTT ingest (started
/// last, stopped first) and, with <c>--demo</c>, a simulated fleet. Owns configuration and exit codes.
/// </summary>
internal static partial class GatewayApp
{
    public const string Usage = """
        Edge.Gateway — MQTT in, durable log on disk, Kafka out.

        Usage: Edge.Gateway [--demo] [--Section:Key=value ...]
               Edge.Gateway device add ID [--rotate] | device list | device revoke ID   [--Storage:Path=...]
               Edge.Gateway cert create [--host NAME]... | cert device ID                 [--Storage:Path=...]

          --demo    also run a few simulated devices in-process and print a summary every 2 s
          --help    this text

        Any configuration key can be set on the command line, e.g. --Mqtt:Port=1884 --Storage:Path=/var/lib/edge,
        or in the environment, e.g. Kafka__BootstrapServers=broker:9092. See docs/operations.md for every key.
        Kafka:BootstrapServers is required, except with --demo or Kafka:Development=true, which start an
        in-process development Kafka that keeps data in memory only.
        """;

    /// <summary>Runs the gateway until SIGTERM/SIGINT or a fatal error; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter errors, CancellationToken cancellationToken)
    {
        MallocArenaLimit.Apply(); // before the host's threads: native memory that stays flat (issue 18)
        var demo = args.Contains("--demo");
        WebApplicationBuilder builder;
        try
        {
            builder = CreateBuilder([.. args.Where(a => a != "--demo")], demo);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            await errors.WriteLineAsync($"edge-gateway: invalid configuration: EDGE_CONFIG: {e.Message}");
            return ExitCodes.Config;
        }

        GatewaySettings settings;
        try
        {
            settings = GatewaySettings.Load(builder.Configuration);
            RequireKafka(settings);
        }
        catch (ConfigurationException e)
        {
            await errors.WriteLineAsync($"edge-gateway: invalid configuration: {e.Message}");
            return ExitCodes.Config;
        }

        var portExplicit = args.Any(a => a.Contains("Mqtt:Port", StringComparison.OrdinalIgnoreCase)) || Environment.GetEnvironmentVariable("Mqtt__Port") is not null;
        using var loggerFactory = LoggerFactory.Create(l => l.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
        var logger = loggerFactory.CreateLogger("Edge.Gateway");
        if (demo && !portExplicit && !PortIsFree(settings.Mqtt.BindAddress, settings.Mqtt.Port))
        {
            // The demo must just work: Debian's mosquitto service often holds 1883 already.
            var port = FreePort(settings.Mqtt.BindAddress);
            LogDemoPortTaken(logger, settings.Mqtt.Port, port);
            settings.Mqtt.Port = port;
        }

        try
        {
            ValidateProducerConfig(settings);
        }
        catch (ConfigurationException e)
        {
            await errors.WriteLineAsync($"edge-gateway: invalid configuration: {e.Message}");
            return ExitCodes.Config;
        }

        IDurableLog log;
        try
        {
            log = DurableLog.Open(settings.ToLogOptions(), loggerFactory.CreateLogger("Edge.Gateway.Log"));
        }
        catch (LogDirectoryLockedException e)
        {
            var holder = e.HolderProcessId is { } pid ? $"process {pid}" : "another process";
            await errors.WriteLineAsync($"edge-gateway: Storage:Path '{Path.GetFullPath(settings.Storage.Path)}' is in use by another gateway ({holder}, lock {e.LockPath}): one gateway per data directory; stop it or choose another Storage:Path");
            return ExitCodes.DataDirectoryInUse;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await errors.WriteLineAsync($"edge-gateway: cannot open the log at Storage:Path '{Path.GetFullPath(settings.Storage.Path)}': {e.Message}");
            return e is ArgumentException ? ExitCodes.Config : ExitCodes.IoError;
        }

        await using (log)
        {
            try
            {
                // Under the log's directory lock, so two starts cannot both record an id.
                settings.Gateway.Id = GatewayIdentity.Reconcile(Path.GetFullPath(settings.Storage.Path), settings.Gateway.Id, builder.Configuration["Gateway:Id"] is not null);
            }
            catch (ConfigurationException e)
            {
                await errors.WriteLineAsync($"edge-gateway: invalid configuration: {e.Message}");
                return ExitCodes.Config;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await errors.WriteLineAsync($"edge-gateway: cannot record Gateway:Id in Storage:Path '{Path.GetFullPath(settings.Storage.Path)}': {e.Message}");
                return ExitCodes.IoError;
            }

            using var devKafka = StartDevelopmentKafkaIfNeeded(settings, logger, out var endpoint);

            builder.Services.AddSingleton(settings);
            builder.Services.AddSingleton(log);
            builder.Services.AddSingleton(endpoint);
            // Anonymous client ids are bounded and aged out on the status page and in the metrics (issue 14).
            builder.Services.AddSingleton(sp => new GatewayMetrics(sp.GetRequiredService<TimeProvider>(), new DeviceRetention(
                settings.Mqtt.MaxUnprovisionedDevices,
                TimeSpan.FromSeconds(settings.Mqtt.UnprovisionedDeviceIdleSeconds),
                () => sp.GetRequiredService<DeviceCredentialStore>().List().Select(d => d.Id))));
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.Kafka.ShutdownTimeoutSeconds + 15));
            try
            {
                builder.Services.AddGatewaySecurity(settings);
            }
            catch (CredentialsFileException e)
            {
                // devices.json is installer-edited input like the configuration: one line naming the file, EX_CONFIG.
                await errors.WriteLineAsync("edge-gateway: " + e.Message);
                return ExitCodes.Config;
            }

            builder.Services.AddSingleton<KafkaEgressService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<KafkaEgressService>());
            builder.Services.AddSingleton<MqttIngestService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttIngestService>());
            builder.Services.AddCommands(settings); // command store, delivery and consumer; presence (issue 15)
            builder.Services.AddDesiredState(settings); // after ingest and commands: consumer starts once the broker runs; its enqueue rule has the last word
            builder.Services.AddHostedService<StatusReporter>();
            builder.Services.AddHostedService<LogFailureWatch>();
            builder.Services.AddSingleton<IPipelineHealth, PipelineWatch>();
            builder.Services.AddHostedService<SystemdWatchdogService>();
            builder.Services.AddSntp(settings); // Sntp:Enabled: the devices' time source (issue 17)
            if (demo)
            {
                builder.Services.AddHostedService<DemoFleetService>();
            }

            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Parse(settings.Http.BindAddress), settings.Http.Port));
            await using var host = builder.Build();
            try
            {
                _ = host.Services.GetService<CommandStore>(); // opened (and recovered) now, so that a failure is one line and exit 74
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LogDirectoryLockedException)
            {
                await errors.WriteLineAsync($"edge-gateway: cannot open the command store at '{CommandStore.DirectoryFor(Path.GetFullPath(settings.Storage.Path))}': {e.Message}");
                return ExitCodes.IoError;
            }

            GatewayEndpoints.Map(host);
            try
            {
                await host.StartAsync(cancellationToken);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await errors.WriteLineAsync($"edge-gateway: Http:Port {settings.Http.Port} is already in use. Choose another with --Http:Port=PORT.");
                return ExitCodes.Config;
            }
            catch (ConfigurationException e)
            {
                // A listener that cannot bind its configured address (Sntp:Port), named like every configuration error.
                await errors.WriteLineAsync($"edge-gateway: invalid configuration: {e.Message}");
                return ExitCodes.Config;
            }
            catch (OperationCanceledException)
            {
                // SIGTERM while starting (Kestrel still binding): a stop, not a crash (it was an unhandled exception, exit 134).
                return ExitCodes.Ok;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                await errors.WriteLineAsync($"edge-gateway: Mqtt:Port {settings.Mqtt.Port} is already in use (another MQTT broker, e.g. Debian's mosquitto service?). Choose another with --Mqtt:Port=PORT.");
                return ExitCodes.Config;
            }

            var urls = string.Join(", ", host.Urls); // what Kestrel bound, e.g. http://127.0.0.1:8080 (was always "localhost")
            LogHttp(logger, urls);
            if (endpoint.IsDevelopment)
            {
                LogDevelopmentKafka(logger, endpoint.BootstrapServers, settings.Kafka.Topic);
            }

            await host.WaitForShutdownAsync(cancellationToken);
            return Environment.ExitCode;
        }
    }

    private static WebApplicationBuilder CreateBuilder(string[] args, bool demo)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // An installer's configuration file (the systemd unit sets EDGE_CONFIG=/etc/edge-gateway/appsettings.json).
        // It overrides appsettings.json next to the binary; the environment and command line still override it.
        if (Environment.GetEnvironmentVariable("EDGE_CONFIG") is { Length: > 0 } configFile)
        {
            var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = Path.GetFullPath(configFile), Optional = false };
            source.ResolveFileProvider();
            var jsonSources = builder.Configuration.Sources.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationSource>().ToList();
            var index = jsonSources.Count == 0 ? 0 : builder.Configuration.Sources.IndexOf(jsonSources[^1]) + 1;
            builder.Configuration.Sources.Insert(index, source);
        }
        if (demo)
        {
            // Demo defaults sit below every other source, so the command line and environment still win.
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
            {
                InitialData = new Dictionary<string, string?>
                {
                    ["Gateway:StatusIntervalSeconds"] = "2",
                    ["Mqtt:AllowAnonymous"] = "true",
                    ["Kafka:Development"] = "true",
                },
            });
        }

        builder.Services.AddSystemd();
        if (!Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService())
        {
            // Under systemd, AddSystemd's journal format keeps priorities (journalctl -p warning filters).
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
        return builder;
    }

    // An empty bootstrap list used to start the in-memory Kafka silently: it acknowledges deliveries, so the log
    // deleted data that never reached a real Kafka. The development Kafka must now be asked for by name.
    private static void RequireKafka(GatewaySettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Kafka.BootstrapServers) && !settings.Kafka.Development)
        {
            throw new ConfigurationException(
                "Kafka:BootstrapServers",
                "must be set (host:port[,host:port...]); for the in-memory development Kafka pass --demo or set Kafka:Development=true");
        }
    }

    private static MockKafkaCluster? StartDevelopmentKafkaIfNeeded(GatewaySettings settings, ILogger logger, out KafkaEndpoint endpoint)
    {
        NativeLibrdkafka.EnsureLoaded();
        if (!string.IsNullOrWhiteSpace(settings.Kafka.BootstrapServers))
        {
            endpoint = new KafkaEndpoint(settings.Kafka.BootstrapServers, IsDevelopment: false);
            return null;
        }

        var cluster = MockKafkaCluster.Start(settings.Kafka.DevBrokers);
        foreach (var topic in new RouteTable(settings.Kafka).Topics.Append(settings.Kafka.Commands.Topic).Append(settings.Kafka.Desired.Topic))
        {
            cluster.CreateTopic(topic, settings.Kafka.DevPartitions, Math.Min(3, settings.Kafka.DevBrokers));
        }

        endpoint = new KafkaEndpoint(cluster.BootstrapServers, IsDevelopment: true);
        LogDevelopmentKafkaWarning(logger);
        return cluster;
    }

    // librdkafka rejects unknown or invalid properties when a client is created; do that at start so a typo in
    // Kafka:Producer:* stops the gateway with the key named, instead of failing on the first message.
    private static void ValidateProducerConfig(GatewaySettings settings)
    {
        NativeLibrdkafka.EnsureLoaded();
        var bootstrap = string.IsNullOrWhiteSpace(settings.Kafka.BootstrapServers) ? "127.0.0.1:9" : settings.Kafka.BootstrapServers;
        try
        {
            using var probe = new ProducerBuilder<byte[]?, byte[]>(ProducerSettings.Build(settings, bootstrap))
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, _) => { })
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            var key = settings.Kafka.Producer.Keys.FirstOrDefault(k => e.Message.Contains(k, StringComparison.Ordinal));
            throw new ConfigurationException(key is null ? "Kafka:Producer" : "Kafka:Producer:" + key, SecretRedaction.Redact(e.Message, settings.Kafka.Producer));
        }
    }

    private static bool PortIsFree(string address, int port)
    {
        try
        {
            var listener = new TcpListener(System.Net.IPAddress.Parse(address), port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort(string address)
    {
        var listener = new TcpListener(System.Net.IPAddress.Parse(address), 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo: MQTT port {Taken} is in use (another broker?); the demo listens on {Port} instead")]
    private static partial void LogDemoPortTaken(ILogger logger, int taken, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka:BootstrapServers is empty: using an IN-PROCESS DEVELOPMENT KAFKA that keeps data IN MEMORY ONLY. Records are lost when the gateway stops. Set Kafka:BootstrapServers for production.")]
    private static partial void LogDevelopmentKafkaWarning(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status page {Url}/ — also /metrics, /healthz, /readyz")]
    private static partial void LogHttp(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development Kafka bootstrap: {Bootstrap} — consume with: kcat -b {Bootstrap} -C -t {Topic}")]
    private static partial void LogDevelopmentKafka(ILogger logger, string bootstrap, string topic);
}
