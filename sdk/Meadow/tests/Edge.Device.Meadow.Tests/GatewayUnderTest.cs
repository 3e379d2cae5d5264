using System.Collections.Concurrent;
using System.Diagnostics;
using Edge.Testing;

namespace Edge.Device.Meadow.Tests;

/// <summary>
/// The real Edge gateway (gateway/src/Edge.Gateway, built by Edge.sln) as a child process with its in-process
/// development Kafka. Found at run time, so this test project does not build the gateway; outside CI a
/// missing build skips the test, in CI it fails it.
/// </summary>
internal sealed class GatewayUnderTest : IDisposable
{
    private readonly string _dll;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private GatewayUnderTest(string dll)
    {
        _dll = dll;
        DataDirectory = Directory.CreateTempSubdirectory("edge-meadow-gw-").FullName;
        Port = FreeTcpPort.Next();
    }

    public int Port { get; }

    public string DataDirectory { get; }

    /// <summary>Bootstrap servers of the gateway's development Kafka (changes at every start).</summary>
    public string KafkaBootstrap { get; private set; } = string.Empty;

    public string Output => string.Join('\n', _output);

    /// <summary>Extra <c>--Section:Key=value</c> arguments, applied at each start (e.g. the TLS listener).</summary>
    public List<string> ExtraArguments { get; } = [];

    /// <summary>Runs the gateway's CLI (<c>cert create</c>, <c>cert device</c>, <c>device revoke</c>) on this gateway's data directory.</summary>
    public async Task RunCliAsync(params string[] arguments)
    {
        var result = await ToolRun.RunAsync("dotnet", [_dll, .. arguments, $"--Storage:Path={DataDirectory}"], TestDevices.Patience);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Edge.Gateway {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        }
    }

    public static GatewayUnderTest Find()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Edge.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Edge.sln not found");
        }

        var candidates = new[] { "Release", "Debug" }
            .Select(c => Path.Combine(root.FullName, "gateway", "src", "Edge.Gateway", "bin", c, "net10.0", "Edge.Gateway.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .ToList();
        if (candidates.Count == 0)
        {
            const string why = "the gateway is not built (dotnet build gateway/src/Edge.Gateway -c Release)";
            if (Requirements.IsCI)
            {
                Assert.Fail(why);
            }

            Assert.Skip(why);
        }

        return new GatewayUnderTest(candidates[0]);
    }

    public async Task StartAsync()
    {
        _output.Clear();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            _dll, $"--Mqtt:Port={Port}", "--Mqtt:BindAddress=127.0.0.1", $"--Http:Port={FreeTcpPort.Next()}",
            $"--Storage:Path={DataDirectory}", "--Gateway:Id=meadow-test-gw", "--Kafka:Development=true", "--Kafka:DevBrokers=1", "--Mqtt:AllowAnonymous=true",
            .. ExtraArguments,
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the gateway");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        const string marker = "Development Kafka bootstrap: ";
        await Eventually.TrueAsync(
            () => _process.HasExited || (Output.Contains("MQTT broker listening", StringComparison.Ordinal) && Output.Contains(marker, StringComparison.Ordinal)),
            TestDevices.Patience,
            "the gateway to listen");
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the gateway exited with {_process.ExitCode}:\n{Output}");
        }

        var line = _output.First(l => l.Contains(marker, StringComparison.Ordinal));
        var start = line.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        KafkaBootstrap = line[start..].Split(' ')[0];
    }

    /// <summary>Power cut: SIGKILL.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>
    /// Every record of the Kafka topic as (headers, payload), read by kcat (a client nobody here wrote).
    /// Headers are kcat's "k=v,k=v" text (the gateway sets mqtt.topic, mqtt.client_id, edge.offset, ...).
    /// </summary>
    public async Task<List<(string Headers, byte[] Payload)>> ReadKafkaAsync(string topic)
    {
        var kcat = Requirements.Tool("kcat");
        var info = new ProcessStartInfo(kcat)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-b", KafkaBootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%h\n%R%s" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("kcat did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        using var buffer = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(buffer);
        using var timeout = new CancellationTokenSource(TestDevices.Patience);
        await process.WaitForExitAsync(timeout.Token);
        _ = await stderr;
        var bytes = buffer.ToArray();
        var records = new List<(string, byte[])>();
        for (var i = 0; i < bytes.Length;)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', i);
            var headers = System.Text.Encoding.UTF8.GetString(bytes, i, newline - i);
            i = newline + 1;
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(i));
            i += 4;
            records.Add((headers, length < 0 ? [] : bytes[i..(i + length)]));
            i += Math.Max(0, length);
        }

        return records;
    }

    public void Dispose()
    {
        Kill();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
