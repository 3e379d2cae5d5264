using System.Collections.Concurrent;
using System.Diagnostics;
using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Gateway.Deploy.Tests;

/// <summary>
/// The Raspberry Pi build, end to end: the linux-arm64 self-contained package boots under qemu-user (host, coreclr,
/// librdkafka arm64 against Debian's cross sysroot), takes a QoS 1 publish from a real MQTT client and delivers it
/// to a Kafka running natively in this process. One package build per class (about 1-2 min here), one boot.
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
    public async Task GatewayUnderQemu_AcknowledgesAQos1Publish_AndDeliversItToKafkaWithHeaders()
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

        var info = new ProcessStartInfo(qemu)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-L", Arm64PackageFixture.Sysroot, Path.Combine(package.App, "Edge.Gateway"),
            $"--Kafka:BootstrapServers={kafka.BootstrapServers}",
            $"--Mqtt:Port={mqttPort}", "--Mqtt:BindAddress=127.0.0.1",
            $"--Http:Port={httpPort}", "--Http:BindAddress=127.0.0.1",
            $"--Storage:Path={data}",
            "--Gateway:Id=pi-gw", "--Gateway:StatusIntervalSeconds=0", "--Mqtt:AllowAnonymous=true",
        })
        {
            info.ArgumentList.Add(argument);
        }

        // As in edge-gateway.service (workstation GC); PGO instrumentation only slows down emulated JIT.
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";

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

            // Anonymous on purpose: `Edge.Gateway device add` (PBKDF2, RandomNumberGenerator) needs the arm64 libssl that
            // Raspberry Pi OS ships but Debian's arm64 cross sysroot for qemu-user lacks ("No usable version of libssl");
            // provisioning is covered by the x64 tests (Security/DeviceSecurityTests) on the same code.
            var payload = "pi-" + Guid.NewGuid().ToString("N");
            var publish = Stopwatch.StartNew();
            var published = await ToolRun.RunAsync(
                mosquittoPub,
                ["-h", "127.0.0.1", "-p", mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1",
                    "-i", "pi-device-1", "-t", "edge/v1/pi-device-1/telemetry", "-m", payload],
                TimeSpan.FromMinutes(1));
            Assert.True(published.ExitCode == 0, "mosquitto_pub -q 1 (exits 0 only after the PUBACK): " + published.Describe() + "\n" + Log());
            output?.WriteLine($"QoS 1 publish acknowledged in {publish.Elapsed.TotalMilliseconds:0} ms");

            string? record = null;
            await Eventually.TrueAsync(
                async () =>
                {
                    var consumed = await ToolRun.RunAsync(
                        kcat,
                        ["-b", kafka.BootstrapServers, "-C", "-t", "edge.telemetry", "-e", "-o", "beginning", "-q", "-f", "%h\t%s\n"],
                        TimeSpan.FromMinutes(1));
                    record = consumed.StandardOutput.Split('\n').FirstOrDefault(l => l.EndsWith(payload, StringComparison.Ordinal));
                    return record is not null;
                },
                TimeSpan.FromMinutes(1),
                "the published message in Kafka (kcat)",
                TestContext.Current.CancellationToken);
            output?.WriteLine($"in Kafka {publish.Elapsed.TotalMilliseconds:0} ms after the publish: {record}");

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
