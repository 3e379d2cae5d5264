using System.Collections;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace Edge.Gateway.Tests.Security;

/// <summary>
/// The security types composed as <see cref="SecurityServices"/> composes them, on a real devices.json in a temp
/// directory and a fake clock, with no broker: a second store on the same directory stands for the CLI
/// ('device add', 'device revoke', 'cert device' in another process). <see cref="Connect"/> builds the event MQTTnet
/// raises for a CONNECT from MQTTnet's own channel and packet types.
/// </summary>
internal sealed class SecurityParts : IDisposable
{
    public SecurityParts(bool allowAnonymous)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("edge-security-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mqtt:AllowAnonymous"] = allowAnonymous ? "true" : "false",
            ["Storage:Path"] = Directory,
            ["Kafka:BootstrapServers"] = "127.0.0.1:9",
        }).Build();
        Settings = GatewaySettings.Load(configuration);
        Cli = new DeviceCredentialStore(Directory);
        Store = new DeviceCredentialStore(Directory);
        Limiter = new FailedAuthLimiter(Time);
        Authenticator = new ConnectionAuthenticator(Settings, Store, Limiter, Metrics, new RefusalLogThrottle(), NullLogger<ConnectionAuthenticator>.Instance);
        Authorizer = new PublishAuthorizer(Settings, new TopicAcl(Settings.Mqtt.Acl.Rules), Authenticator, Metrics, new RefusalLogThrottle(), NullLogger<PublishAuthorizer>.Instance);
    }

    public static readonly IPEndPoint SiteNat = new(IPAddress.Parse("192.0.2.10"), 40000);

    public string Directory { get; }

    public FakeTimeProvider Time { get; } = new();

    public GatewaySettings Settings { get; }

    public GatewayMetrics Metrics { get; } = new();

    /// <summary>The gateway's store.</summary>
    public DeviceCredentialStore Store { get; }

    /// <summary>Another store on the same file: the CLI in another process.</summary>
    public DeviceCredentialStore Cli { get; }

    public FailedAuthLimiter Limiter { get; }

    public ConnectionAuthenticator Authenticator { get; }

    public PublishAuthorizer Authorizer { get; }

    /// <summary>
    /// The event of a CONNECT: user name and password as given (the SDKs send the device id as user name), from
    /// <paramref name="remote"/> (default <see cref="SiteNat"/>), with a client certificate when given.
    /// </summary>
    public static ValidatingConnectionEventArgs Connect(string clientId, string? userName = null, string? password = null, MqttProtocolVersion version = MqttProtocolVersion.V500, IPEndPoint? remote = null, X509Certificate2? certificate = null)
    {
        var packet = new MqttConnectPacket
        {
            ClientId = clientId,
            Username = userName,
            Password = password is null ? null : System.Text.Encoding.UTF8.GetBytes(password),
        };
        var channel = new MqttTcpChannel(Stream.Null, new IPEndPoint(IPAddress.Loopback, 1883), remote ?? SiteNat, certificate);
        var adapter = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(version, new MqttBufferWriter(4096, 65536)), MqttNetNullLogger.Instance);
        return new ValidatingConnectionEventArgs(packet, adapter, new Hashtable(), CancellationToken.None);
    }

    /// <summary>A client certificate whose common name is <paramref name="commonName"/> (its chain is the TLS handshake's concern).</summary>
    public static X509Certificate2 Certificate(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>Removes the temp directory.</summary>
    public void Dispose()
    {
        Authenticator.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>The value of a gauge or counter sample in the metrics registry (0 when absent).</summary>
    public static async Task<double> SampleAsync(GatewayMetrics metrics, string sample)
    {
        using var stream = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(stream);
        var line = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
