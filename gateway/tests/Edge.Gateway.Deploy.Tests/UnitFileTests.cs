using System.Text.Json;
using Edge.Testing;

namespace Edge.Gateway.Deploy.Tests;

/// <summary>gateway/deploy/edge-gateway.service: hardened, notify + watchdog, paths the gateway and install.sh agree on.</summary>
public sealed class UnitFileTests
{
    private static readonly string UnitPath = RepoPaths.Deploy("edge-gateway.service");
    private static readonly UnitFile Unit = new(File.ReadAllText(UnitPath));

    [Theory]
    [InlineData("Type", "notify")]
    [InlineData("ExecStart", "/opt/edge-gateway/Edge.Gateway")]
    [InlineData("DynamicUser", "yes")]
    [InlineData("User", "edge-gateway")]
    [InlineData("StateDirectory", "edge-gateway")]
    [InlineData("ConfigurationDirectory", "edge-gateway")]
    [InlineData("ProtectSystem", "strict")]
    [InlineData("ProtectHome", "true")]
    [InlineData("PrivateTmp", "true")]
    [InlineData("PrivateDevices", "true")]
    [InlineData("NoNewPrivileges", "true")]
    [InlineData("CapabilityBoundingSet", "")]
    [InlineData("AmbientCapabilities", "")]
    [InlineData("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX")]
    [InlineData("SystemCallFilter", "@system-service")]
    [InlineData("SystemCallArchitectures", "native")]
    [InlineData("Restart", "on-failure")]
    [InlineData("RestartPreventExitStatus", "78")]
    [InlineData("WatchdogSec", "30s")]
    [InlineData("LimitNOFILE", "65536")]
    [InlineData("MemoryMax", "512M")]
    public void Service_SetsDirective(string key, string expected)
        => Assert.Equal(expected, Unit.Last("Service", key));

    [Theory]
    [InlineData("EDGE_CONFIG=/etc/edge-gateway/appsettings.json")]
    [InlineData("Storage__Path=/var/lib/edge-gateway")]
    public void Service_PointsTheGatewayAtItsDirectories(string variable)
        => Assert.Contains(variable, Unit.All("Service", "Environment"));

    [Fact]
    public void Service_DoesNotDenyWriteExecuteMemory_BecauseTheJitNeedsIt()
        => Assert.Null(Unit.Last("Service", "MemoryDenyWriteExecute"));

    [Fact]
    public void TimeoutStopSec_ExceedsTheGatewaysOwnShutdownBudget()
    {
        // GatewayApp sets HostOptions.ShutdownTimeout = Kafka:ShutdownTimeoutSeconds + 15; systemd must wait longer,
        // or a clean drain gets SIGKILLed.
        using var sample = JsonDocument.Parse(
            File.ReadAllText(RepoPaths.Deploy("appsettings.sample.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var drain = sample.RootElement.GetProperty("Kafka").GetProperty("ShutdownTimeoutSeconds").GetInt32();
        var stop = UnitFile.Seconds(Unit.Last("Service", "TimeoutStopSec")!);
        Assert.True(stop > TimeSpan.FromSeconds(drain + 15), $"TimeoutStopSec {stop} must exceed {drain} + 15 s");
    }

    [Fact]
    public void Install_IsWantedByMultiUserTarget()
        => Assert.Equal("multi-user.target", Unit.Last("Install", "WantedBy"));

    [Fact]
    public async Task SystemdAnalyzeVerify_ReportsNothing()
    {
        var analyze = Requirements.Tool("systemd-analyze");

        // verify insists that ExecStart exists: point it at a stand-in, keep every other line as installed.
        var dir = Directory.CreateTempSubdirectory("edge-unit-").FullName;
        try
        {
            var program = Path.Combine(dir, "Edge.Gateway");
            await File.WriteAllTextAsync(program, "#!/bin/sh\n", TestContext.Current.CancellationToken);
            File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var unit = Path.Combine(dir, "edge-gateway.service");
            var text = (await File.ReadAllTextAsync(UnitPath, TestContext.Current.CancellationToken))
                .Replace("ExecStart=/opt/edge-gateway/Edge.Gateway", "ExecStart=" + program, StringComparison.Ordinal);
            await File.WriteAllTextAsync(unit, text, TestContext.Current.CancellationToken);

            var result = await ToolRun.RunAsync(analyze, ["verify", unit], TimeSpan.FromMinutes(1));

            // verify exits 0 even for unknown keys and only warns on stderr: any output is a finding.
            Assert.True(result.ExitCode == 0 && result.StandardError.Trim().Length == 0, result.Describe());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
