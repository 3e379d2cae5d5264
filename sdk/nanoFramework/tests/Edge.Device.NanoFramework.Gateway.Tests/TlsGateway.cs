using Edge.Gateway.DevKafka;
using Edge.Testing;

namespace Edge.Device.NanoFramework.Gateway.Tests;

/// <summary>
/// One real gateway with its TLS listener requiring client certificates (<c>Mqtt:Tls:ClientCertificates=Required</c>,
/// anonymous off), its site CA and device certificates made by the gateway's own CLI (<c>cert create</c>,
/// <c>cert device</c>, <c>device revoke</c>) before it starts, and a second CA from another <c>cert create</c>.
/// Shared by the tests of a class (xunit class fixture).
/// </summary>
public sealed class TlsGateway : IAsyncLifetime
{
    private MockKafkaCluster? _kafka;
    private GatewayProcess? _gateway;

    public DirectoryInfo Data { get; } = Directory.CreateTempSubdirectory("edge-nf-tls-");

    public int TlsPort { get; } = FreeTcpPort.Next();

    public string TlsDirectory => Path.Combine(Data.FullName, "tls");

    public string OtherCaDirectory => Path.Combine(Data.FullName, "other-ca");

    public GatewayProcess Gateway => _gateway ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        await CliAsync("cert", "create", "--host", "127.0.0.1", "--host", "localhost", $"--Storage:Path={Data.FullName}");
        await CliAsync("cert", "create", "--host", "127.0.0.1", "--out", OtherCaDirectory, $"--Storage:Path={Data.FullName}");
        await CliAsync("cert", "device", "esp-tls", $"--Storage:Path={Data.FullName}");
        await CliAsync("cert", "device", "esp-expired", "--days", "0", $"--Storage:Path={Data.FullName}");
        await CliAsync("cert", "device", "esp-revoked", $"--Storage:Path={Data.FullName}");
        await CliAsync("device", "revoke", "esp-revoked", $"--Storage:Path={Data.FullName}");
        await CliAsync("cert", "device", "esp-foreign", "--out", OtherCaDirectory, $"--Storage:Path={Data.FullName}");

        _kafka = MockKafkaCluster.Start(1);
        _kafka.CreateTopic("edge.telemetry", 1, 1);
        _gateway = new GatewayProcess(Data, _kafka.BootstrapServers,
            "--Mqtt:Tls:Enabled=true", $"--Mqtt:Tls:Port={TlsPort}", "--Mqtt:Tls:ClientCertificates=Required", "--Mqtt:AllowAnonymous=false");
        await _gateway.StartAsync();
        await FreeTcpPort.WaitUntilListeningAsync(TlsPort, TimeSpan.FromSeconds(30));
    }

    /// <summary>The PEM pair of a device certificate, loaded as the SDK loads it on a board.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate Device(string id, string? directory = null)
    {
        directory ??= TlsDirectory;
        return DeviceCertificate.FromPem(File.ReadAllText(Path.Combine(directory, id + ".crt")), File.ReadAllText(Path.Combine(directory, id + ".key")));
    }

    public System.Security.Cryptography.X509Certificates.X509Certificate Ca(string? directory = null)
        => System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory ?? TlsDirectory, "ca.crt")));

    public ValueTask DisposeAsync()
    {
        _gateway?.Dispose();
        _kafka?.Dispose();
        try
        {
            Data.Delete(recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private static async Task CliAsync(params string[] arguments)
    {
        var (exitCode, output) = await GatewayProcess.RunToExitAsync(arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Edge.Gateway {string.Join(' ', arguments)} exited {exitCode}: {output}");
        }
    }
}
