namespace Edge.Device.NanoFramework;

/// <summary>The send side: writes what the outbound queue hands out, within its in-flight window.</summary>
public sealed partial class MqttClient
{
    /// <summary>
    /// Sends what the window allows, oldest first (flash records before RAM messages); the
    /// <see cref="OutboundQueue"/> sets DUP and the packet identifier [MQTT-4.4.0-1], [MQTT-3.3.1-1].
    /// </summary>
    private void PumpLocked()
    {
        byte[] buffer;
        int offset;
        int length;
        while (_connected && _outbound.TryTakeNext(out buffer, out offset, out length))
        {
            WriteLocked(buffer, offset, length);
        }
    }
}
