namespace Edge.Protocol.Topics;

/// <summary>A classified topic (see <see cref="EdgeTopics.Parse"/>). Immutable.</summary>
public sealed class EdgeTopic
{
    internal EdgeTopic(EdgeTopicKind kind, string deviceId, string commandName)
    {
        Kind = kind;
        DeviceId = deviceId;
        CommandName = commandName;
    }

    /// <summary>The topic kind; <see cref="EdgeTopicKind.Unknown"/> for anything else.</summary>
    public EdgeTopicKind Kind { get; }

    /// <summary>The (valid) device id; empty when <see cref="Kind"/> is Unknown.</summary>
    public string DeviceId { get; }

    /// <summary>The (valid) command name for <see cref="EdgeTopicKind.Command"/>; otherwise empty.</summary>
    public string CommandName { get; }
}
