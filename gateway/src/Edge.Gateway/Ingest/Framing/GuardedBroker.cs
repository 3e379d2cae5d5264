using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace Edge.Gateway.Ingest.Framing;

/// <summary>
/// Creates the MQTTnet server with the gateway's packet limits in place: the <see cref="GuardedTcpServerAdapter"/>
/// transport, the client id length rule (the first validation handler), and the MQTT 5 CONNACK properties that tell
/// clients the limits (Maximum Packet Size, Topic Alias Maximum; MQTTnet 5.2 has no option for either and advertises
/// "unlimited" and 65535).
/// </summary>
internal static class GuardedBroker
{
    public static MqttServer Create(MqttServerOptions options, MqttOptions mqtt, GatewayMetrics metrics, ILogger logger, IMqttNetLogger mqttLogger)
    {
        ArgumentNullException.ThrowIfNull(mqtt);
        ArgumentNullException.ThrowIfNull(metrics);
        var reporter = new ViolationReporter(metrics, logger);
        var budget = new UnauthenticatedBudget(mqtt.MaxUnauthenticatedBytes);
        var used = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateGauge(
            "edge_mqtt_unauthenticated_bytes", "Packet bytes announced by connections whose login is not accepted yet (capped by Mqtt:MaxUnauthenticatedBytes).");
        metrics.Registry.AddBeforeCollectCallback(() => used.Set(budget.Used));
        var adapter = new GuardedTcpServerAdapter(FrameLimits.From(mqtt), budget, reporter.Report);
        var server = new MqttServerFactory().CreateMqttServer(options, [adapter], mqttLogger);
        server.ValidatingConnectionAsync += new ClientIdRule(mqtt.MaxClientIdLength, metrics).ValidateAsync;
        var maxPacket = (uint)mqtt.MaxPublishPacketBytes;
        var aliases = (ushort)mqtt.TopicAliasMaximum;
        server.InterceptingOutboundPacketAsync += e =>
        {
            // The accepting CONNACK passes here (a refusing one does not, and needs neither). 3.1.1 ignores both.
            if (e.Packet is MqttConnAckPacket connAck)
            {
                connAck.MaximumPacketSize = maxPacket;
                connAck.TopicAliasMaximum = aliases;
            }

            return Task.CompletedTask;
        };
        return server;
    }
}
