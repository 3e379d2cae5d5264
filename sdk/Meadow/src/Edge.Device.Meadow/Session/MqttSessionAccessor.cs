namespace Edge.Device.Meadow.Session;

/// <summary>Late binding of the session (the dispatcher is built before the session it publishes through).</summary>
internal sealed class MqttSessionAccessor
{
    private IMqttSession? _current;

    public IMqttSession Current
    {
        get => _current ?? throw new InvalidOperationException("The session is not created yet.");
        set => _current = value;
    }
}
