using System.Collections.Concurrent;
using System.Diagnostics;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>The real gateway (<c>dotnet Edge.Gateway.dll</c>) as a child process that can lose power (SIGKILL) and come back.</summary>
internal sealed class GatewayProcess : IDisposable
{
    private readonly List<string> _arguments;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public GatewayProcess(string bootstrapServers)
    {
        DataDirectory = Directory.CreateTempSubdirectory("edge-gw-nf-").FullName;
        Port = FreeTcpPort.Next();
        _arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "Edge.Gateway.dll"),
            $"--Mqtt:Port={Port}",
            $"--Http:Port={FreeTcpPort.Next()}",
            "--Mqtt:BindAddress=127.0.0.1",
            $"--Storage:Path={DataDirectory}",
            $"--Kafka:BootstrapServers={bootstrapServers}",
            "--Gateway:Id=nf-gw",
            "--Gateway:StatusIntervalSeconds=0",
        ];
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public string Output => string.Join('\n', _output);

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _output.Clear();
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the gateway");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _output.Enqueue("stderr: " + e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreeTcpPort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(90));
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"the gateway exited with {_process.ExitCode}:\n{Output}");
        }
    }

    /// <summary>Power cut: SIGKILL, no flush, no checkpoint.</summary>
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
