using System;

namespace Edge.Device.NanoFramework;

/// <summary>Configuration of <see cref="MqttClient"/>. Read once by the client's constructor.</summary>
public sealed class MqttClientOptions
{
    /// <summary>Client identifier, 1 to 23 characters [0-9a-zA-Z] for any server [MQTT-3.1.3-5]. Required.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>User name, or null to send none [MQTT-3.1.2-18]. Default null.</summary>
    public string? UserName { get; set; }

    /// <summary>Password (the device secret), or null to send none [MQTT-3.1.2-20]. Default null.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Clean session [MQTT-3.1.2-6]. Default false: the server keeps the session (subscriptions, queued
    /// commands) across reconnects, which is what a reliable device wants.
    /// </summary>
    public bool CleanSession { get; set; }

    /// <summary>Keep alive in seconds [MQTT-3.1.2-23]; 0 disables it. Default 30 s.</summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>How long to wait for PINGRESP (and for CONNACK) before declaring the link dead. Default 10,000 ms.</summary>
    public int ResponseTimeoutMilliseconds { get; set; } = 10_000;

    /// <summary>Topic of the last will, or null for none [MQTT-3.1.2-9]. Default null.</summary>
    public string? WillTopic { get; set; }

    /// <summary>Payload of the last will. Default empty.</summary>
    public byte[]? WillMessage { get; set; }

    /// <summary>QoS of the last will. Default <see cref="MqttQos.AtLeastOnce"/>.</summary>
    public MqttQos WillQos { get; set; } = MqttQos.AtLeastOnce;

    /// <summary>Retain flag of the last will [MQTT-3.1.2-17]. Default true (the device's status stays visible).</summary>
    public bool WillRetain { get; set; } = true;

    /// <summary>First reconnect delay ceiling in milliseconds (doubles per failure, full jitter). Default 1,000 ms.</summary>
    public int ReconnectBaseDelayMilliseconds { get; set; } = 1_000;

    /// <summary>Largest reconnect delay in milliseconds. Default 60,000 ms.</summary>
    public int ReconnectMaxDelayMilliseconds { get; set; } = 60_000;

    /// <summary>RAM budget of the offline/in-flight queue in bytes, allocated once. Default 16,384 bytes.</summary>
    public int QueueBytes { get; set; } = 16_384;

    /// <summary>What the queue does when its budget is used up. Default <see cref="QueueFullPolicy.DropOldest"/>.</summary>
    public QueueFullPolicy QueueFullPolicy { get; set; } = QueueFullPolicy.DropOldest;

    /// <summary>
    /// Optional overflow of the RAM queue on flash, e.g. <c>new FlashQueue(new FlashQueueOptions())</c> (128 KiB in
    /// <c>I:\edge-queue</c>): when RAM is full the oldest messages move there, sent or not, and survive a reset.
    /// Give each client its own instance. See <see cref="IPersistentQueue"/>. Default null (RAM only).
    /// </summary>
    public IPersistentQueue? PersistentQueue { get; set; }

    /// <summary>Most QoS 1 messages sent and not yet acknowledged. Default 16.</summary>
    public int MaxInFlight { get; set; } = 16;

    /// <summary>
    /// Size of the send buffer (CONNECT, SUBSCRIBE, QoS 0 PUBLISH, flash records) and of the receive buffer
    /// in bytes. A larger received PUBLISH is skipped (and acknowledged, so it is not re-delivered forever);
    /// any other larger packet closes the connection. Default 1,024 bytes.
    /// </summary>
    public int MaxPacketBytes { get; set; } = 1_024;

    /// <summary>How long one receive wait lasts in milliseconds (bounds how late keep-alive checks run). Default 100 ms.</summary>
    public int PollMilliseconds { get; set; } = 100;

    /// <summary>Monotonic clock and sleep. Default <see cref="SystemDeviceClock"/>.</summary>
    public IDeviceClock? Clock { get; set; }

    /// <summary>Randomness for the backoff jitter. Default a new <see cref="Random"/>.</summary>
    public Random? Random { get; set; }
}
