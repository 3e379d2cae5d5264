using System.Buffers;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest;

/// <summary>
/// A service that joins the embedded broker beside the ingest (command delivery, presence): it subscribes to the
/// broker's events in <see cref="Attach"/>, and sees every publish the ingest accepted before it is appended to the log.
/// </summary>
internal interface IBrokerExtension
{
    /// <summary>Called once, before the broker starts.</summary>
    void Attach(MqttServer server);

    /// <summary>
    /// Called for every publish that passed the ACL, before the ingest appends it to the log and acknowledges it.
    /// Returning false refuses the publish as not durable (MQTT 5 PUBACK 0x80; 3.1.1: connection closed), so the device
    /// sends it again.
    /// </summary>
    ValueTask<bool> OnAcceptedPublishAsync(string clientId, string topic, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
        => ValueTask.FromResult(true);
}
