namespace Edge.Device.NanoFramework;

/// <summary>Told when the client connects (CONNACK accepted) or loses the connection. Runs on the receive thread.</summary>
/// <param name="sender">The client.</param>
/// <param name="connected">True after a successful CONNECT, false after the link was lost or closed.</param>
public delegate void MqttConnectionHandler(MqttClient sender, bool connected);
