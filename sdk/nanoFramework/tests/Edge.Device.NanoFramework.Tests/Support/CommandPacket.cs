using Edge.Protocol.Commands;

namespace Edge.Device.NanoFramework.Tests.Support;

/// <summary>PUBLISH packets the gateway would send to a device (commands, desired state), encoded by the SDK's own writer.</summary>
internal static class CommandPacket
{
    public static byte[] Build(string topic, string id, byte[]? args, bool dup)
    {
        var payload = new byte[128];
        var n = EdgeCommandCodec.EncodeCommand(payload, 0, payload.Length, id, args, 0, args?.Length ?? 0);
        return Publish(topic, payload[..n], retain: false, dup);
    }

    public static byte[] Publish(string topic, byte[] payload, bool retain, bool dup = false)
    {
        var packet = new byte[payload.Length + topic.Length + 16];
        var length = MqttPacketWriter.WritePublish(packet, 0, topic, Utf8.ByteCount(topic), payload, 0, payload.Length, MqttQos.AtLeastOnce, retain, dup, 9);
        return packet[..length];
    }
}
