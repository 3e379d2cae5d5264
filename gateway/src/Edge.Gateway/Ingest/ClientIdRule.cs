using Edge.Gateway.Diagnostics;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest;

/// <summary>
/// Refuses client ids longer than <c>Mqtt:MaxClientIdLength</c> (MQTT 5: CONNACK 0x85 client identifier not valid;
/// 3.1.1: 0x02 identifier rejected [MQTT-3.1.3-9]). The id names the device in the status page, the metrics, Kafka keys
/// and records: with anonymous clients allowed, 32,000-character ids grew <c>/api/status</c> to 64 MB. Runs as the
/// first connection validation handler; a later handler may still refuse for its own reason, never accept.
/// </summary>
internal sealed class ClientIdRule
{
    private readonly int _maxLength;
    private readonly GatewayMetrics _metrics;

    public ClientIdRule(int maxLength, GatewayMetrics metrics)
    {
        _maxLength = maxLength;
        _metrics = metrics;
    }

    /// <summary>True when <paramref name="clientId"/> is within the limit.</summary>
    public bool Allows(string? clientId) => (clientId?.Length ?? 0) <= _maxLength;

    public Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!Allows(e.ClientId))
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            e.ReasonString = $"client id longer than {_maxLength} characters";
            _metrics.ConnectionRefused("client_id_too_long");
        }

        return Task.CompletedTask;
    }
}
