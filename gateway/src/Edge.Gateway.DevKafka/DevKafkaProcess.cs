using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace Edge.Gateway.DevKafka;

/// <summary>
/// The development Kafka (gateway/tools/Edge.DevKafka, a <see cref="MockKafkaCluster"/> in its own process) as a child
/// process, so Kafka keeps its data while a test SIGKILLs the gateway. Fault commands go over the child's stdin and
/// are synchronous: each waits for the tool's "ok". <see cref="Dispose"/> kills the child; if this process dies
/// instead, the child sees its stdin close and exits by itself.
/// </summary>
/// <remarks>Thread-safe: commands are serialized.</remarks>
public sealed class DevKafkaProcess : IDisposable
{
    /// <summary>File name of the tool's entry assembly, copied next to any project that references the tool.</summary>
    public const string ToolFileName = "Edge.DevKafka.dll";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly object _gate = new();
    private readonly DevKafkaStderr _stderr;

    private DevKafkaProcess(Process process, DevKafkaStderr stderr, string bootstrap)
    {
        _process = process;
        _stderr = stderr;
        BootstrapServers = bootstrap;
    }

    /// <summary>"127.0.0.1:port,..." of the child's brokers (ids 1..N in this order).</summary>
    public string BootstrapServers { get; }

    /// <summary>Operating-system id of the child process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>True once the child process ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>dotnet Edge.DevKafka.dll --brokers N [--topic NAME[:PARTITIONS]]...</c> and waits (up to 60 s) for its
    /// bootstrap line.
    /// </summary>
    /// <param name="brokers">Broker count, default 3.</param>
    /// <param name="topics">Topics to create up front, as <c>NAME</c> or <c>NAME:PARTITIONS</c> (default 3 partitions).</param>
    /// <param name="toolPath">Path of Edge.DevKafka.dll; default: next to the running application, then next to this
    /// assembly (reference gateway/tools/Edge.DevKafka to get it copied there).</param>
    /// <exception cref="FileNotFoundException">The tool's dll was not found.</exception>
    /// <exception cref="InvalidOperationException">The tool exited or printed something else than its bootstrap line.</exception>
    /// <exception cref="TimeoutException">No bootstrap line within 60 s.</exception>
    public static DevKafkaProcess Start(int brokers = 3, IEnumerable<string>? topics = null, string? toolPath = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var path = toolPath ?? FindTool();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{ToolFileName} not found; reference gateway/tools/Edge.DevKafka or pass its path", path);
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
        info.ArgumentList.Add(brokers.ToString(CultureInfo.InvariantCulture));
        foreach (var topic in topics ?? [])
        {
            info.ArgumentList.Add("--topic");
            info.ArgumentList.Add(topic);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + path);
        var stderr = new DevKafkaStderr(process);
        string? first;
        try
        {
            first = ReadLine(process, StartTimeout, "its bootstrap line");
        }
        catch
        {
            Kill(process);
            throw;
        }

        const string prefix = "bootstrap: ";
        if (first is null || !first.StartsWith(prefix, StringComparison.Ordinal))
        {
            Kill(process);
            throw new InvalidOperationException($"Edge.DevKafka did not print its bootstrap line but '{first ?? "(exited)"}'; stderr: {stderr.Tail}");
        }

        return new DevKafkaProcess(process, stderr, first[prefix.Length..]);
    }

    /// <summary>Sends one raw command line (see the tool's usage) and waits up to 30 s for its "ok".</summary>
    /// <exception cref="InvalidOperationException">The tool answered with an error (the message has it) or exited.</exception>
    /// <exception cref="TimeoutException">No answer within 30 s; this instance is unusable afterwards.</exception>
    public void Send(string command)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        lock (_gate)
        {
            string? answer;
            try
            {
                _process.StandardInput.WriteLine(command);
                _process.StandardInput.Flush();
                answer = ReadLine(_process, CommandTimeout, $"the answer to '{command}'");
            }
            catch (IOException e)
            {
                throw new InvalidOperationException($"Edge.DevKafka: '{command}' failed, the tool has exited; stderr: {_stderr.Tail}", e);
            }

            if (answer != "ok")
            {
                throw new InvalidOperationException($"Edge.DevKafka: '{command}' → {answer ?? "(exited) " + _stderr.Tail}");
            }
        }
    }

    /// <summary>Takes broker <paramref name="brokerId"/> (1..N) down, like <see cref="MockKafkaCluster.SetBrokerDown"/>.</summary>
    public void SetBrokerDown(int brokerId) => Send(Format($"down {brokerId}"));

    /// <summary>Brings broker <paramref name="brokerId"/> (1..N) back up.</summary>
    public void SetBrokerUp(int brokerId) => Send(Format($"up {brokerId}"));

    /// <summary>Every broker down.</summary>
    public void SetAllBrokersDown() => Send("alldown");

    /// <summary>Every broker up.</summary>
    public void SetAllBrokersUp() => Send("allup");

    /// <summary>Delays every response of one broker (millisecond resolution; zero removes the delay).</summary>
    public void SetRoundTripTime(int brokerId, TimeSpan rtt) => Send(Format($"rtt {brokerId} {(long)rtt.TotalMilliseconds}"));

    /// <summary>Creates a topic with min(3, brokers) replicas.</summary>
    /// <exception cref="InvalidOperationException">The topic exists already.</exception>
    public void CreateTopic(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        Send(Format($"topic {topic} {partitions}"));
    }

    /// <summary>Makes the next requests with this API key fail with these errors, like
    /// <see cref="MockKafkaCluster.PushRequestErrors"/>.</summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Send(Format($"errors {apiKey} {string.Join(' ', errors.Select(e => ((int)e).ToString(CultureInfo.InvariantCulture)))}").TrimEnd());
    }

    /// <summary>Kills the tool (its data is gone) and waits up to 10 s for it to end. Idempotent.</summary>
    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
    }

    private static string Format(FormattableString command) => command.ToString(CultureInfo.InvariantCulture);

    private static string? ReadLine(Process process, TimeSpan timeout, string what)
    {
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(timeout))
        {
            throw new TimeoutException($"Edge.DevKafka: no {what} within {timeout.TotalSeconds:0} s");
        }

        return line.Result;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone or never started
        }
    }

    private static string FindTool()
    {
        var nextToApp = Path.Combine(AppContext.BaseDirectory, ToolFileName);
        if (File.Exists(nextToApp))
        {
            return nextToApp;
        }

        var directory = Path.GetDirectoryName(typeof(DevKafkaProcess).Assembly.Location);
        return string.IsNullOrEmpty(directory) ? nextToApp : Path.Combine(directory, ToolFileName);
    }
}
