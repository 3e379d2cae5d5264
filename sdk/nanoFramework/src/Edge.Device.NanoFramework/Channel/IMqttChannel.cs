namespace Edge.Device.NanoFramework;

/// <summary>
/// A synchronous, socket-shaped byte channel to the MQTT server (TCP, TLS, or an in-memory channel in tests).
/// The client calls <see cref="Write"/> from the publishing thread and <see cref="Read"/> from its receive
/// thread, never two writes or two reads at once; implementations must allow one concurrent reader and writer.
/// Every failure is reported as <see cref="MqttChannelException"/>.
/// </summary>
public interface IMqttChannel
{
    /// <summary>Opens a new connection (closing any previous one first).</summary>
    /// <exception cref="MqttChannelException">The server cannot be reached or the TLS handshake failed.</exception>
    void Open();

    /// <summary>Writes all <paramref name="count"/> bytes or throws.</summary>
    /// <exception cref="MqttChannelException">The connection is closed or broken.</exception>
    void Write(byte[] buffer, int offset, int count);

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes, waiting at most <paramref name="timeoutMilliseconds"/>.
    /// Returns the number of bytes read, or 0 when the timeout elapsed with nothing to read.
    /// </summary>
    /// <exception cref="MqttChannelException">The connection is closed by the peer or broken.</exception>
    int Read(byte[] buffer, int offset, int count, int timeoutMilliseconds);

    /// <summary>Closes the connection; safe to call at any time, more than once, from any thread.</summary>
    void Close();
}
