namespace Edge.Device.NanoFramework;

/// <summary>
/// Receives an application message from a subscription. Runs on the client's receive thread; the payload
/// bytes are valid only during the call (they live in the receive buffer). For QoS 1 the PUBACK is sent
/// after the handler returns [MQTT-4.3.2-2], so a message is re-delivered if the device resets meanwhile.
/// </summary>
/// <param name="sender">The client that received the message.</param>
/// <param name="topic">The topic name.</param>
/// <param name="payload">The receive buffer.</param>
/// <param name="offset">Where the payload starts in <paramref name="payload"/>.</param>
/// <param name="count">The payload length.</param>
public delegate void MqttMessageHandler(MqttClient sender, string topic, byte[] payload, int offset, int count);
