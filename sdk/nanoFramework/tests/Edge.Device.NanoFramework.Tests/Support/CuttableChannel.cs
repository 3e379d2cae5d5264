namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>Wraps a channel so a test can cut the link ungracefully (no DISCONNECT) and keep it down.</summary>
internal sealed class CuttableChannel(IMqttChannel inner) : IMqttChannel
{
    private volatile bool _cut;

    public void Cut()
    {
        _cut = true;
        inner.Close();
    }

    public void Open()
    {
        if (_cut)
        {
            throw new MqttChannelException("cut (test)");
        }

        inner.Open();
    }

    public void Write(byte[] buffer, int offset, int count)
    {
        if (_cut)
        {
            throw new MqttChannelException("cut (test)");
        }

        inner.Write(buffer, offset, count);
    }

    public int Read(byte[] buffer, int offset, int count, int timeoutMilliseconds) => inner.Read(buffer, offset, count, timeoutMilliseconds);

    public void Close() => inner.Close();
}
