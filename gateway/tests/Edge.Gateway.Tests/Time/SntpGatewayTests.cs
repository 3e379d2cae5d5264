using System.Net.Sockets;
using System.Text.Json;

namespace Edge.Gateway.Tests.Time;

/// <summary>
/// The running gateway with <c>Sntp:Enabled</c>, asked by Debian's SNTP client (ntpsec's ntpdig, package sntp) and by a
/// hand-built request; configuration errors name the key.
/// </summary>
public sealed class SntpGatewayTests
{
    // ntpdig has no port option (it always asks 123): its own query, sanity checks (clock_select) and report run
    // unchanged, loaded as a module and pointed at the test's high port.
    private const string NtpdigAtPort = """
        import importlib.machinery, importlib.util, socket, sys
        loader = importlib.machinery.SourceFileLoader("ntpdig", sys.argv[2])
        spec = importlib.util.spec_from_loader("ntpdig", loader)
        m = importlib.util.module_from_spec(spec)
        loader.exec_module(m)
        m.debug = 0; m.credentials = None; m.server = "127.0.0.1"; m.af = socket.AF_INET; m.gap = 0
        m.keyid = m.keytype = m.passwd = None; m.adjusted = False
        packets = m.queryhost("127.0.0.1", False, 5, int(sys.argv[1]))
        chosen = m.clock_select(packets)
        if not chosen:
            sys.exit("no usable reply from %d packets" % len(packets))
        m.report(chosen[0], True)
        """;

    [Fact]
    public async Task Gateway_SntpEnabled_DebianSntpClientAcceptsTheTime()
    {
        var ntpdig = Requirements.Tool("ntpdig", "sntp");
        // The interpreter of ntpdig's own shebang (Debian's, with ntpsec's 'ntp' library), not whichever python3 is first on PATH.
        var python = File.ReadLines(ntpdig).First().TrimStart('#', '!', ' ').Split(' ')[0];
        if (!File.Exists(python))
        {
            Requirements.Missing($"{python} (the interpreter of {ntpdig}) is missing; scripts/test.sh installs Debian package sntp");
        }

        var port = FreeUdpPort();
        using var gateway = new GatewayProcess("127.0.0.1:1", "--Sntp:Enabled=true", $"--Sntp:Port={port}", "--Sntp:BindAddress=127.0.0.1");
        await gateway.StartAsync();
        await Eventually.TrueAsync(() => gateway.Output.Contains("SNTP server listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the SNTP server to listen");

        var result = await ToolRun.RunAsync(python, ["-c", NtpdigAtPort, port.ToString(System.Globalization.CultureInfo.InvariantCulture), ntpdig], TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, $"{ntpdig} (as a module) failed: {result.StandardError}{result.StandardOutput}");
        using var report = JsonDocument.Parse(result.StandardOutput.Trim());
        Assert.Equal(10, report.RootElement.GetProperty("stratum").GetInt32());
        Assert.InRange(Math.Abs(report.RootElement.GetProperty("offset").GetDouble()), 0, 1.0); // the same machine's clock
    }

    [Theory]
    [InlineData("--Sntp:Port=0", "Sntp:Port")]
    [InlineData("--Sntp:Stratum=16", "Sntp:Stratum")]
    [InlineData("--Sntp:BindAddress=gateway", "Sntp:BindAddress")]
    [InlineData("--Sntp:Enable=true", "Sntp:Enable")]
    public async Task Gateway_BadSntpKey_Exit78NamingTheKey(string argument, string key)
    {
        var data = Directory.CreateTempSubdirectory("edge-sntp-cfg-");
        try
        {
            var (exit, output) = await GatewayProcess.RunToExitAsync(argument, $"--Storage:Path={data.FullName}", "--Kafka:BootstrapServers=127.0.0.1:1");

            Assert.Equal(78, exit);
            Assert.Contains(key, output, StringComparison.Ordinal);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
