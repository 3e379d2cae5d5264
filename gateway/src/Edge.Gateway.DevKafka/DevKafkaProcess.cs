using System.Diagnostics;

namespace Edge.Gateway.DevKafka;

/// <summary>
/// The development Kafka (gateway/tools/Edge.DevKafka) as a child process: it outlives a gateway that a test
/// SIGKILLs. Fault commands are synchronous (each waits for the tool's "ok"). Dispose kills the process.
/// </summary>
public sealed class DevKafkaProcess : IDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();

    private DevKafkaProcess(Process process, string bootstrap)
    {
        _process = process;
        BootstrapServers = bootstrap;
    }

    /// <summary>"127.0.0.1:port,..." of the child's brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>
    /// Starts the tool with <c>dotnet Edge.DevKafka.dll</c>, found next to the running assembly unless a path is given.
    /// </summary>
    /// <exception cref="FileNotFoundException">The tool's dll is not there (reference its project).</exception>
    public static DevKafkaProcess Start(int brokers = 3, IEnumerable<string>? topics = null, string? toolPath = null)
    {
        var path = toolPath ?? Path.Combine(AppContext.BaseDirectory, "Edge.DevKafka.dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("Edge.DevKafka.dll not found; reference gateway/tools/Edge.DevKafka", path);
        }

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(path);
        info.ArgumentList.Add("--brokers");
        info.ArgumentList.Add(brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var topic in topics ?? [])
        {
            info.ArgumentList.Add("--topic");
            info.ArgumentList.Add(topic);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start Edge.DevKafka");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var first = process.StandardOutput.ReadLine();
        if (first is null || !first.StartsWith("bootstrap: ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException("Edge.DevKafka did not print its bootstrap line: " + first);
        }

        return new DevKafkaProcess(process, first["bootstrap: ".Length..]);
    }

    /// <summary>Sends one command (see the tool's usage) and waits for its answer.</summary>
    /// <exception cref="InvalidOperationException">The tool answered with an error or exited.</exception>
    public void Send(string command)
    {
        lock (_gate)
        {
            _process.StandardInput.WriteLine(command);
            _process.StandardInput.Flush();
            var answer = _process.StandardOutput.ReadLine();
            if (answer != "ok")
            {
                throw new InvalidOperationException($"Edge.DevKafka: '{command}' → {answer ?? "(exited)"}");
            }
        }
    }

    /// <summary>Every broker down.</summary>
    public void SetAllBrokersDown() => Send("alldown");

    /// <summary>Every broker up.</summary>
    public void SetAllBrokersUp() => Send("allup");

    /// <summary>Kills the tool; its data is gone.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }
}
