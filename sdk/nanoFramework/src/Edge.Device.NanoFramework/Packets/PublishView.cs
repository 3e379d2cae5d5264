namespace Edge.Device.NanoFramework;

/// <summary>Where the parts of a received PUBLISH lie in the receive buffer (no copies, no allocation).</summary>
internal struct PublishView
{
    public int TopicOffset;
    public int TopicLength;
    public int PayloadOffset;
    public int PayloadLength;
    public int PacketId;
    public MqttQos Qos;
    public bool Dup;
    public bool Retain;
}
