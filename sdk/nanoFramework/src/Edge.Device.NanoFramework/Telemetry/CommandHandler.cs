using Edge.Protocol.Commands;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Handles a downlink command (topic <c>edge/v1/{deviceId}/cmd/{name}</c>). Runs on the MQTT receive thread:
/// keep it short. Its result becomes the ack on <c>edge/v1/{deviceId}/cmd-ack</c>; an exception becomes
/// <c>ok: false</c> with the exception's message.
/// </summary>
/// <param name="name">The command name (last topic level).</param>
/// <param name="command">The decoded command: id and raw CBOR arguments.</param>
/// <param name="message">A short result or error text for the ack; may be null.</param>
/// <returns>True when the command succeeded (ack "ok": true).</returns>
public delegate bool CommandHandler(string name, EdgeCommand command, out string? message);
