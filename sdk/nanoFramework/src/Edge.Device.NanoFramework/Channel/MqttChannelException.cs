using System;

namespace Edge.Device.NanoFramework;

/// <summary>The network channel failed: connect refused, connection reset or closed, TLS failure.</summary>
public sealed class MqttChannelException : Exception
{
    /// <summary>Creates the exception with a message saying what failed.</summary>
    public MqttChannelException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an empty message.</summary>
    public MqttChannelException()
    {
    }

    /// <summary>Creates the exception wrapping the socket or TLS error.</summary>
    public MqttChannelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
