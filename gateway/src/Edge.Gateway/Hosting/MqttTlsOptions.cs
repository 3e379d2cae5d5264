namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Mqtt:Tls</c>: the MQTT-over-TLS listener.</summary>
internal sealed class MqttTlsOptions
{
    /// <summary><c>Mqtt:Tls:Enabled</c>: listen for MQTT over TLS. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>Mqtt:Tls:Port</c>: TLS listener port. Default 8883.</summary>
    public int Port { get; set; } = 8883;

    /// <summary><c>Mqtt:Tls:CertificatePath</c>: server certificate (PEM). Default <c>{Storage:Path}/tls/server.crt</c> (from <c>cert create</c>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary><c>Mqtt:Tls:KeyPath</c>: its private key (PEM). Default <c>{Storage:Path}/tls/server.key</c>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// <c>Mqtt:Tls:ClientCertificates</c>: <c>None</c> (default; devices log in with their secret), <c>Optional</c>
    /// or <c>Required</c>. A client certificate signed by the site CA whose CN is the client id authenticates the device.
    /// </summary>
    public ClientCertificateMode ClientCertificates { get; set; } = ClientCertificateMode.None;

    /// <summary><c>Mqtt:Tls:ClientCaPath</c>: the CA that signs device certificates. Default <c>{Storage:Path}/tls/ca.crt</c>.</summary>
    public string? ClientCaPath { get; set; }

    /// <summary>Returns null when valid, else (key, problem).</summary>
    public (string Key, string Problem)? Validate(string storagePath)
    {
        if (Port is <= 0 or > 65535)
        {
            return ("Mqtt:Tls:Port", $"must be between 1 and 65535 (was {Port})");
        }

        if (!Enabled)
        {
            return null;
        }

        if (!File.Exists(ResolvedCertificatePath(storagePath)))
        {
            return ("Mqtt:Tls:CertificatePath", $"'{ResolvedCertificatePath(storagePath)}' does not exist (create one with 'Edge.Gateway cert create --host NAME')");
        }

        if (!File.Exists(ResolvedKeyPath(storagePath)))
        {
            return ("Mqtt:Tls:KeyPath", $"'{ResolvedKeyPath(storagePath)}' does not exist");
        }

        return ClientCertificates != ClientCertificateMode.None && !File.Exists(ResolvedClientCaPath(storagePath))
            ? ("Mqtt:Tls:ClientCaPath", $"'{ResolvedClientCaPath(storagePath)}' does not exist")
            : null;
    }

    public string ResolvedCertificatePath(string storagePath) => CertificatePath ?? Path.Combine(storagePath, "tls", "server.crt");

    public string ResolvedKeyPath(string storagePath) => KeyPath ?? Path.Combine(storagePath, "tls", "server.key");

    public string ResolvedClientCaPath(string storagePath) => ClientCaPath ?? Path.Combine(storagePath, "tls", "ca.crt");
}

/// <summary>Whether the TLS listener asks devices for client certificates.</summary>
internal enum ClientCertificateMode
{
    None,
    Optional,
    Required,
}
