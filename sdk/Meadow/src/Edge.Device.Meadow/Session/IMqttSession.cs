namespace Edge.Device.Meadow.Session;

/// <summary>
/// The connection to the broker as the sender, the commands and the device see it, whatever the client underneath:
/// <see cref="MqttSession"/> (MQTTnet 5, MQTT 5; net8.0) or <c>EdgeClientSession</c> (Edge's own MQTT 3.1.1 client,
/// the nanoFramework SDK's; netstandard2.1 for Meadow F7 boards). Both connect with a persistent session, a retained
/// "offline" last will and a retained "online" birth message, subscribe to the device's commands and desired state and reconnect with
/// backoff and full jitter.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal interface IMqttSession : IAsyncDisposable
{
    /// <summary>Successful connects after the first.</summary>
    long Reconnects { get; }

    /// <summary>Why the last connect attempt failed (TLS and certificate problems, a refused CONNACK), null after a success.</summary>
    string? LastConnectError { get; }

    /// <summary><c>host:port</c> of the gateway connected to, or tried next while disconnected (the last good one after a drop).</summary>
    string Gateway { get; }

    /// <summary>True while connected (and the birth message went out).</summary>
    bool IsConnected { get; }

    /// <summary>Completes when connected.</summary>
    Task WaitConnectedAsync(CancellationToken cancellationToken);

    /// <summary>Connects and keeps the connection up until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Publishes at QoS 1 and waits for the PUBACK. Accepted is true when the broker took the message; false with the
    /// reason when it refused it (a PUBACK reason code, or the client's own queue refusing it). Permanent is true when
    /// sending the same message again cannot succeed (not authorized, topic name invalid, payload format invalid
    /// [MQTT-3.4.2.1]); a quota exceeded (a full gateway) is not permanent.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="Exception">The client's failure when the connection drops before the PUBACK (MQTTnet).</exception>
    Task<(bool Accepted, bool Permanent, string Reason)> PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken);

    /// <summary>Publishes the retained "offline" status and disconnects normally (the will is then not sent) [MQTT-3.1.2-10].</summary>
    Task GoOfflineAsync(CancellationToken cancellationToken);
}
