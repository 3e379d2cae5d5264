using Edge.Testing;

namespace Edge.Gateway.Tests.Commands;

/// <summary>The demo's promise: the two kcat lines it prints send a command to a demo board and show its result (real process, Debian kcat).</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_PrintedKcatLines_SendACommandTheBoardAnswersOk()
    {
        Requirements.Tool("kcat");
        using var gateway = new GatewayProcess("", "--demo");
        await gateway.StartAsync();
        await Eventually.TrueAsync(() => gateway.Output.Contains("Demo: send a command", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the demo's kcat lines", TestContext.Current.CancellationToken);
        var line = gateway.Output.Split('\n').First(l => l.Contains("Demo: send a command", StringComparison.Ordinal));
        var send = line[(line.IndexOf("from Kafka:  ", StringComparison.Ordinal) + 13)..line.IndexOf("   then", StringComparison.Ordinal)];
        var show = line[(line.IndexOf("result:  ", StringComparison.Ordinal) + 9)..];
        Assert.StartsWith("echo ", send, StringComparison.Ordinal);
        Assert.StartsWith("kcat ", show, StringComparison.Ordinal);

        var sent = await ToolRun.RunAsync("/bin/bash", ["-c", send], TimeSpan.FromSeconds(30));
        Assert.True(sent.ExitCode == 0, sent.Describe());
        var output = "";
        await Eventually.TrueAsync(
            async () => (output = (await ToolRun.RunAsync("/bin/bash", ["-c", show], TimeSpan.FromSeconds(30))).StandardOutput).Contains("\"id\":\"demo-1\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the result in Kafka",
            TestContext.Current.CancellationToken);
        var result = System.Text.Json.JsonDocument.Parse(output.Split('\n').First(l => l.Contains("\"id\":\"demo-1\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("ok", result.GetProperty("status").GetString());
        Assert.Equal("demo-01 blinked (args {\"times\":3})", result.GetProperty("message").GetString());
    }
}
