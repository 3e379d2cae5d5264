using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// A packet from the server (or any input to the packet parser) is malformed or breaks an MQTT 3.1.1 rule.
/// This is the only exception type the parsers throw for bad input; the client reacts by closing the
/// network connection [MQTT-4.8.0-1] and reconnecting.
/// </summary>
public sealed class MqttProtocolException : Exception
{
    /// <summary>Creates the exception with a message naming the broken rule.</summary>
    public MqttProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an empty message.</summary>
    public MqttProtocolException()
    {
    }

    /// <summary>Creates the exception wrapping another one.</summary>
    public MqttProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
