using System.Collections.Concurrent;
using System.Diagnostics;

namespace Edge.Testing;

/// <summary>
/// The real gateway as a child process (<c>dotnet Edge.Gateway.dll</c>), so tests can SIGKILL it like a power cut.
/// Its data directory and port survive restarts. Output is kept for assertions and failure messages.
/// The test project must reference gateway/src/Edge.Gateway so that Edge.Gateway.dll is in its output folder.
/// Anonymous devices are allowed unless the extra arguments say otherwise (--Mqtt:AllowAnonymous=false).
/// The Kafka consumers' group session times out after 10 s instead of librdkafka's 45 s (extra arguments may override
/// it): after a SIGKILL the dead instance stays a member of its consumer groups until then, and the restarted one gets
/// no commands or desired state before the rebalance. Nothing a test asserts depends on the length of that wait.
/// </summary>
public sealed class GatewayProcess : IDisposable
{
    private readonly List<string> _arguments;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly bool _ownsDataDirectory;
    private Process? _process;

    public GatewayProcess(string bootstrapServers, params string[] extraArguments)
        : this(Directory.CreateTempSubdirectory("edge-gw-"), bootstrapServers, extraArguments)
    {
        _ownsDataDirectory = true;
    }

    /// <summary>
    /// A gateway on a given <c>Storage:Path</c> (for example a folder on a <c>CrashFs</c> mount). The directory need
    /// not exist (the gateway creates it) and is not deleted on <see cref="Dispose"/>.
    /// </summary>
    public GatewayProcess(DirectoryInfo dataDirectory, string bootstrapServers, params string[] extraArguments)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        DataDirectory = dataDirectory.FullName;
        Port = FreeTcpPort.Next();
        HttpPort = FreeTcpPort.Next();
        _arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "Edge.Gateway.dll"),
            $"--Mqtt:Port={Port}",
            $"--Http:Port={HttpPort}",
            "--Mqtt:BindAddress=127.0.0.1",
            $"--Storage:Path={DataDirectory}",
            $"--Kafka:BootstrapServers={bootstrapServers}",
            "--Gateway:Id=test-gw",
            "--Gateway:StatusIntervalSeconds=0",
            "--Mqtt:AllowAnonymous=true",
            "--Kafka:Commands:Consumer:session.timeout.ms=10000",
            .. extraArguments,
        ];
    }

    public int Port { get; }

    public int HttpPort { get; }

    public string DataDirectory { get; }

    public string Output => string.Join('\n', _output);

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Extra environment variables for the process (e.g. systemd's NOTIFY_SOCKET), applied at each start.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Starts the gateway and waits until its MQTT port accepts connections.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment)
        {
            info.Environment[name] = value;
        }

        int linesBefore = _output.Count;
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the gateway");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue("stderr: " + e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Only this start's lines count: after a restart the previous run's "listening" line is still in Output.
        await Eventually.TrueAsync(
            () => _process.HasExited || _output.Skip(linesBefore).Any(l => l.Contains("MQTT broker listening", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60),
            "the gateway to listen");
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the gateway exited with {_process.ExitCode}:\n{Output}");
        }

        await WaitForHttpAsync();
    }

    // The HTTP endpoint (/metrics, /api/status) starts a moment after the MQTT listener: tests that read it right after
    // StartAsync were refused under load. Bounded: a gateway started without HTTP is not waited for past 10 s.
    private async Task WaitForHttpAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && _process is { HasExited: false })
        {
            try
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync(System.Net.IPAddress.Loopback, HttpPort);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Power cut: SIGKILL, no chance to flush or checkpoint.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>Graceful stop (SIGTERM); returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (_process is null)
        {
            return -1;
        }

        Signal.Terminate(_process);
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        if (!_ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs the gateway with arguments to completion (for configuration errors); returns exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(params string[] arguments) => RunToExitAsync(null, arguments);

    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IDictionary<string, string>? environment, params string[] arguments)
    {
        var result = await ToolRun.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Edge.Gateway.dll"), .. arguments], TimeSpan.FromSeconds(60), environment);
        return (result.ExitCode, result.StandardError + result.StandardOutput);
    }
}
