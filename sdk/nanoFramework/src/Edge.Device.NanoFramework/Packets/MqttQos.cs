namespace Edge.Device.NanoFramework;

/// <summary>MQTT 3.1.1 quality of service levels this client supports (section 4.3).</summary>
public enum MqttQos
{
    /// <summary>QoS 0: fire and forget, no acknowledgement, lost when the link is down [MQTT-4.3.1].</summary>
    AtMostOnce = 0,

    /// <summary>QoS 1: queued until the server's PUBACK; may arrive more than once (DUP flag) [MQTT-4.3.2].</summary>
    AtLeastOnce = 1,
}
