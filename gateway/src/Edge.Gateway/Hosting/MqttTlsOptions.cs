namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Mqtt:Tls</c>: the TLS listener (filled in by the security work).</summary>
internal sealed class MqttTlsOptions
{
    /// <summary><c>Mqtt:Tls:Enabled</c>: listen for MQTT over TLS. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>Mqtt:Tls:Port</c>: TLS listener port. Default 8883.</summary>
    public int Port { get; set; } = 8883;

    /// <summary>Returns null when valid, else (key, problem).</summary>
    public (string Key, string Problem)? Validate()
        => Port is > 0 and <= 65535 ? null : ("Mqtt:Tls:Port", $"must be between 1 and 65535 (was {Port})");
}
