using System.Collections.Concurrent;
using System.Diagnostics;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Gateway.Deploy.Tests;

/// <summary>
/// The Raspberry Pi build, end to end: the linux-arm64 self-contained package boots under qemu-user (host, coreclr,
/// librdkafka arm64 against Debian's arm64 libraries), provisions a device with its own `device add`, takes that
/// device's QoS 1 publish from a real MQTT client and delivers it to a Kafka running natively in this process.
/// One package build per class (about 1-2 min here), one boot.
/// </summary>
public sealed class RaspberryPiPackageTests(Arm64PackageFixture package) : IClassFixture<Arm64PackageFixture>
{
    [Fact]
    public void Package_HasTheAppAndTheInstallerFiles()
    {
        package.RequirePackage();

        foreach (var file in new[] { "install.sh", "edge-gateway.service", "appsettings.sample.json", "README.md", "app/Edge.Gateway", "app/librdkafka.so", "app/libcoreclr.so" })
        {
            Assert.True(File.Exists(Path.Combine(package.Package, file)), $"package lacks {file}");
        }

        var header = new byte[20];
        using (var program = File.OpenRead(Path.Combine(package.App, "Edge.Gateway")))
        {
            program.ReadExactly(header);
        }

        Assert.Equal(0xB7, header[18] | (header[19] << 8)); // ELF e_machine: AArch64
        Assert.Empty(Directory.GetFiles(package.App, "*.pdb"));
        var megabytes = Directory.GetFiles(package.App).Sum(f => new FileInfo(f).Length) / 1024.0 / 1024.0;
        TestContext.Current.TestOutputHelper?.WriteLine($"package built in {package.BuildTime.TotalSeconds:0} s; app/ is {megabytes:0} MiB");
    }

    [Fact]
    public async Task GatewayUnderQemu_ProvisionsADevice_AcknowledgesItsQos1Publish_AndDeliversItToKafkaWithHeaders()
    {
        var qemu = package.RequirePackage();
        var mosquittoPub = Requirements.Tool("mosquitto_pub");
        var kcat = Requirements.Tool("kcat");
        var output = TestContext.Current.TestOutputHelper;

        NativeLibrdkafka.EnsureLoaded();
        using var kafka = MockKafkaCluster.Start(3);
        kafka.CreateTopic("edge.telemetry", 3, 3);
        var data = Directory.CreateTempSubdirectory("edge-pi-data-").FullName;
        var mqttPort = FreeTcpPort.Next();
        var httpPort = FreeTcpPort.Next();
        var program = Path.Combine(package.App, "Edge.Gateway");

        // What an installer does on the Pi before the service starts: provision the board (PBKDF2 + a random secret,
        // which need the arm64 OpenSSL).
        var provision = Stopwatch.StartNew();
        var added = await ToolRun.RunAsync(
            qemu, [program, "device", "add", "pi-device-1", $"--Storage:Path={data}"],
            TimeSpan.FromMinutes(3), Arm64PackageFixture.Environment);
        Assert.True(added.ExitCode == 0, "device add under qemu: " + added.Describe());
        var secret = added.StandardOutput.Split('\n').Select(l => l.Trim()).Single(l => l.Length == 43 && !l.Contains(' ', StringComparison.Ordinal));
        output?.WriteLine($"device provisioned under qemu in {provision.Elapsed.TotalSeconds:0.0} s");

        var info = new ProcessStartInfo(qemu)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            program,
            $"--Kafka:BootstrapServers={kafka.BootstrapServers}",
            $"--Mqtt:Port={mqttPort}", "--Mqtt:BindAddress=127.0.0.1",
            $"--Http:Port={httpPort}", "--Http:BindAddress=127.0.0.1",
            $"--Storage:Path={data}",
            "--Gateway:Id=pi-gw", "--Gateway:StatusIntervalSeconds=0",
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Arm64PackageFixture.Environment)
        {
            info.Environment[name] = value;
        }

        var log = new ConcurrentQueue<string>();
        string Log() => string.Join('\n', log);
        var boot = Stopwatch.StartNew();
        using var gateway = Process.Start(info) ?? throw new InvalidOperationException("could not start qemu-aarch64");
        gateway.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        gateway.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue("stderr: " + e.Data); } };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        try
        {
            await Eventually.TrueAsync(
                () => gateway.HasExited || Log().Contains("MQTT broker listening", StringComparison.Ordinal),
                TimeSpan.FromMinutes(3),
                "the arm64 gateway under qemu to log 'MQTT broker listening'",
                TestContext.Current.CancellationToken);
            Assert.False(gateway.HasExited, $"the arm64 gateway exited under qemu:\n{Log()}");
            output?.WriteLine($"arm64 gateway listening after {boot.Elapsed.TotalSeconds:0.0} s under qemu");

            // The default configuration refuses anonymous devices: the provisioned board's secret must work, and an
            // anonymous publish must not.
            var port = mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var anonymous = await ToolRun.RunAsync(
                mosquittoPub, ["-h", "127.0.0.1", "-p", port, "-q", "1", "-i", "pi-device-1", "-t", "edge/v1/pi-device-1/telemetry", "-m", "anonymous"],
                TimeSpan.FromMinutes(1));
            Assert.True(anonymous.ExitCode != 0, "an anonymous publish was accepted: " + anonymous.Describe());

            var payload = "pi-" + Guid.NewGuid().ToString("N");
            var publish = Stopwatch.StartNew();
            var published = await ToolRun.RunAsync(
                mosquittoPub,
                ["-h", "127.0.0.1", "-p", port, "-q", "1", "-i", "pi-device-1", "-u", "pi-device-1", "-P", secret,
                    "-t", "edge/v1/pi-device-1/telemetry", "-m", payload],
                TimeSpan.FromMinutes(1));
            Assert.True(published.ExitCode == 0, "mosquitto_pub -q 1 (exits 0 only after the PUBACK): " + published.Describe() + "\n" + Log());
            output?.WriteLine($"QoS 1 publish acknowledged in {publish.Elapsed.TotalMilliseconds:0} ms");

            string? record = null;
            string[] records = [];
            await Eventually.TrueAsync(
                async () =>
                {
                    var consumed = await ToolRun.RunAsync(
                        kcat,
                        ["-b", kafka.BootstrapServers, "-C", "-t", "edge.telemetry", "-e", "-o", "beginning", "-q", "-f", "%h\t%s\n"],
                        TimeSpan.FromMinutes(1));
                    records = consumed.StandardOutput.Split('\n');
                    record = records.FirstOrDefault(l => l.EndsWith(payload, StringComparison.Ordinal));
                    return record is not null;
                },
                TimeSpan.FromMinutes(1),
                "the published message in Kafka (kcat)",
                TestContext.Current.CancellationToken);
            output?.WriteLine($"in Kafka {publish.Elapsed.TotalMilliseconds:0} ms after the publish: {record}");

            Assert.DoesNotContain(records, l => l.EndsWith("\tanonymous", StringComparison.Ordinal));
            var headers = record!.Split('\t')[0].Split(',');
            Assert.Contains("edge.gateway=pi-gw", headers);
            Assert.Contains("mqtt.client_id=pi-device-1", headers);

            // systemctl stop: SIGTERM drains and exits 0 (docs/operations.md), within the unit's TimeoutStopSec.
            var stop = Stopwatch.StartNew();
            Signal.Terminate(gateway);
            using var stopTimeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            stopTimeout.CancelAfter(TimeSpan.FromSeconds(45));
            await gateway.WaitForExitAsync(stopTimeout.Token);
            Assert.True(gateway.ExitCode == 0, $"exit code {gateway.ExitCode} after SIGTERM:\n{Log()}");
            output?.WriteLine($"stopped cleanly {stop.Elapsed.TotalSeconds:0.0} s after SIGTERM");
        }
        finally
        {
            if (!gateway.HasExited)
            {
                gateway.Kill(entireProcessTree: true);
            }

            Directory.Delete(data, recursive: true);
        }
    }
}
