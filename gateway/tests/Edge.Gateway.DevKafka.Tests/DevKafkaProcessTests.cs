using System.Diagnostics;
using Confluent.Kafka;
using static Edge.Gateway.DevKafka.Tests.KafkaClients;

namespace Edge.Gateway.DevKafka.Tests;

/// <summary>The development Kafka in its own process (gateway/tools/Edge.DevKafka) and its stdin protocol.</summary>
public sealed class DevKafkaProcessTests
{
    private static string ToolPath => Path.Combine(AppContext.BaseDirectory, DevKafkaProcess.ToolFileName);

    [Fact]
    public void Start_ProduceThenFaultsThenNewProducer_SecondProducerSeesFirstData()
    {
        using var child = DevKafkaProcess.Start(3, ["c:2"]);
        using (var producer = Producer(child.BootstrapServers))
        {
            producer.Produce("c", Message("a", "1"));
            Assert.Equal(0, producer.Flush(Patience));
        }

        child.SetBrokerDown(1);
        child.SetBrokerUp(1);
        child.SetAllBrokersDown();
        child.SetAllBrokersUp();
        child.SetRoundTripTime(2, TimeSpan.FromMilliseconds(10));
        child.SetRoundTripTime(2, TimeSpan.Zero);
        child.CreateTopic("d", 1);
        child.PushRequestErrors(KafkaApiKeys.Produce, ErrorCode.RequestTimedOut);

        using (var producer = Producer(child.BootstrapServers))
        {
            producer.Produce("c", Message("a", "2"));
            Assert.Equal(0, producer.Flush(Patience));
        }

        Assert.Equal(["1", "2"], Consume(child.BootstrapServers, "c", 2).Select(r => r.Message.Value));
        Assert.Equal(2, Metadata(child.BootstrapServers, "c").Topics.Single().Partitions.Count);
    }

    [Fact]
    public void Send_UnknownCommandOrExistingTopic_ThrowsWithTheToolsAnswer()
    {
        using var child = DevKafkaProcess.Start(1);

        var unknown = Assert.Throws<InvalidOperationException>(() => child.Send("nonsense"));
        Assert.Contains("unknown command", unknown.Message, StringComparison.Ordinal);
        child.CreateTopic("once", 1);
        var twice = Assert.Throws<InvalidOperationException>(() => child.CreateTopic("once", 1));
        Assert.Contains(nameof(ErrorCode.TopicAlreadyExists), twice.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => child.SetBrokerDown(2));
        child.SetAllBrokersUp(); // still answering after errors
    }

    [Fact]
    public void Dispose_RunningTool_ProcessEnds()
    {
        var child = DevKafkaProcess.Start(1);
        using var watcher = Process.GetProcessById(child.ProcessId);
        Assert.False(child.HasExited);

        child.Dispose();

        Assert.True(watcher.WaitForExit(30_000), "Edge.DevKafka still running after Dispose");
    }

    [Fact]
    public async Task Tool_StdinClosed_ExitsWithZero()
    {
        using var tool = StartTool("--brokers", "1");
        Assert.StartsWith("bootstrap: 127.0.0.1:", await tool.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        tool.StandardInput.Close(); // what the OS does when the parent is SIGKILLed

        await tool.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(0, tool.ExitCode);
    }

    [Fact]
    public async Task Tool_Sigterm_Exits()
    {
        using var tool = StartTool("--brokers", "1", "--ignore-stdin");
        Assert.StartsWith("bootstrap: ", await tool.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        tool.StandardInput.Close();
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.False(tool.HasExited, "--ignore-stdin: closing stdin must not stop the tool");

        using (var kill = Process.Start("kill", ["-TERM", tool.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await tool.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Tool_TopicOption_CreatesTopicWithPartitions()
    {
        using var tool = StartTool("--brokers", "2", "--topic", "edge.telemetry:6", "--topic", "other");
        var first = await tool.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        try
        {
            var bootstrap = first!["bootstrap: ".Length..];
            Assert.Equal(2, bootstrap.Split(',').Length);
            Assert.Equal(6, Metadata(bootstrap, "edge.telemetry").Topics.Single().Partitions.Count);
            Assert.Equal(3, Metadata(bootstrap, "other").Topics.Single().Partitions.Count);
        }
        finally
        {
            tool.Kill();
        }
    }

    [Fact]
    public async Task Tool_ExplicitLibrdkafkaPath_LoadsThatFileForConfluentAndMock()
    {
        var bundled = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "centos8-librdkafka.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(bundled) || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Skip("needs linux-x64 and the package's centos8 build");
        }

        // A copy elsewhere proves the tool used the explicit file (Library.Load(path)), not the package's default.
        var directory = Directory.CreateTempSubdirectory("edge-librdkafka-");
        try
        {
            var copy = Path.Combine(directory.FullName, "librdkafka.so");
            File.Copy(bundled, copy);
            var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using var tool = StartTool(p => p.Environment[NativeLibrdkafka.PathVariable] = copy, line => stderr.Enqueue(line), "--brokers", "1", "--topic", "p:1");
            var first = await tool.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.True(first?.StartsWith("bootstrap: ", StringComparison.Ordinal), $"{first} / {string.Join(" | ", stderr)}");
            using (var producer = Producer(first!["bootstrap: ".Length..]))
            {
                producer.Produce("p", Message("a", "explicit"));
                Assert.Equal(0, producer.Flush(Patience));
            }

            Assert.Equal(["explicit"], Consume(first!["bootstrap: ".Length..], "p", 1).Select(r => r.Message.Value));
            Assert.Contains(stderr, line => line.EndsWith("librdkafka " + copy, StringComparison.Ordinal));
            tool.Kill();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Start_ToolPathMissing_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => DevKafkaProcess.Start(1, toolPath: "/nonexistent/Edge.DevKafka.dll"));
    }

    private static Process StartTool(params string[] arguments) => StartTool(_ => { }, _ => { }, arguments);

    private static Process StartTool(Action<ProcessStartInfo> configure, Action<string> stderr, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet", [ToolPath, .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        configure(info);
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr(e.Data);
            }
        };
        process.BeginErrorReadLine();
        return process;
    }
}
