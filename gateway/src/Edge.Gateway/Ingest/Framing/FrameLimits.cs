using Edge.Gateway.Hosting;

namespace Edge.Gateway.Ingest.Framing;

/// <summary>The packet limits <see cref="FrameGuard"/> enforces, from <see cref="MqttOptions"/>. Immutable.</summary>
internal sealed record FrameLimits(int MaxConnectPacketBytes, int MaxPublishPacketBytes, int MaxTopicBytes, int TopicAliasMaximum)
{
    public static FrameLimits From(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FrameLimits(options.MaxConnectPacketBytes, options.MaxPublishPacketBytes, options.MaxTopicBytes, options.TopicAliasMaximum);
    }

    /// <summary>The longest packet head the guard buffers to inspect: a PUBLISH's fixed header, topic, packet id and properties.</summary>
    public int MaxHeadBytes => 5 + 2 + MaxTopicBytes + 2 + 4 + MqttOptions.MaxPublishPropertyBytes;
}
