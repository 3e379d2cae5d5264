using Edge.Device.NanoFramework;

namespace Edge.Device.Meadow;

/// <summary>
/// Reads the board configuration <c>Edge.Gateway device add ID --output FILE</c> writes (or its one-line form) into
/// <see cref="EdgeDeviceOptions"/>: device id, secret (user name = device id), every gateway of the list in
/// <see cref="EdgeDeviceOptions.Gateways"/> (fail-over in that order), TLS with the site CA, the SNTP server.
/// The parser is the nanoFramework SDK's <see cref="DeviceConfig"/> (one for both SDKs). On a Meadow F7 deploy the file
/// with the app (e.g. <c>edge-device.cfg</c> next to <c>app.config.yaml</c>) and read it from
/// <c>MeadowOS.FileSystem.UserFileSystemRoot</c>.
/// </summary>
/// <remarks>
/// Failure modes: <see cref="DeviceConfigException"/> naming the field; IOException for
/// an unreadable file. Stateless.
/// </remarks>
public static class EdgeDeviceConfig
{
    /// <summary>Options from the configuration in the file at <paramref name="path"/>, queueing in <paramref name="queueDirectory"/>.</summary>
    /// <exception cref="DeviceConfigException">A field is missing or malformed (the message names it).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static EdgeDeviceOptions Load(string path, string queueDirectory) => FromText(File.ReadAllText(path), queueDirectory);

    /// <summary>Options from configuration text (the file's lines or the one-line form).</summary>
    /// <exception cref="DeviceConfigException">A field is missing or malformed (the message names it).</exception>
    public static EdgeDeviceOptions FromText(string text, string queueDirectory)
    {
        var config = DeviceConfig.Parse(text);
        var options = new EdgeDeviceOptions
        {
            DeviceId = config.DeviceId,
            UserName = config.Secret is null ? null : config.DeviceId,
            Password = config.Secret,
            QueueDirectory = queueDirectory,
            UseTls = config.UseTls,
            TimeServer = config.TimeServer,
            TimeServerPort = config.TimeServerPort,
        };
        for (var i = 0; i < config.GatewayHosts.Length; i++)
        {
            options.Gateways.Add(config.GatewayHosts[i] + ":" + config.GatewayPorts[i]);
        }

        if (config.CaCertificate is { } der)
        {
#if NET9_0_OR_GREATER
            options.TlsCaCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
#else
            options.TlsCaCertificate = new System.Security.Cryptography.X509Certificates.X509Certificate2(der);
#endif
        }

        return options;
    }
}
