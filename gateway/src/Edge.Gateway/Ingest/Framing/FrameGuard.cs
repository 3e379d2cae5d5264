using System.Buffers.Binary;
using System.Text.Unicode;
using static Edge.Gateway.Ingest.Framing.ProtocolViolation;

namespace Edge.Gateway.Ingest.Framing;

/// <summary>
/// Checks every inbound MQTT packet of one connection on its raw bytes, before MQTTnet buffers it: the fixed header and
/// remaining length against the caps (MQTTnet 5.2 allocates the whole body from the remaining length, up to 256 MB,
/// before any handler runs), and a PUBLISH's topic, QoS, packet id and MQTT 5 properties against the protocol (MQTTnet
/// decodes invalid UTF-8 into U+FFFD, accepts QoS 3 and packet id 0, and keeps every topic alias). A packet that
/// passes goes to MQTTnet unchanged; one that does not closes the connection and MQTTnet never sees a byte of it.
/// </summary>
/// <remarks>
/// Not thread-safe except as MQTTnet uses a channel: one reader calls <see cref="Inspect"/>, one writer calls
/// <see cref="OnOutboundPacket"/> (MQTTnet reads nothing between a CONNECT and its CONNACK).
/// </remarks>
internal sealed class FrameGuard
{
    private const int Connect = 1, Publish = 3, Subscribe = 8, Unsubscribe = 10, Auth = 15;

    private readonly FrameLimits _limits;
    private readonly UnauthenticatedBudget _budget;
    private bool[]? _aliases;
    private long _reserved;
    private int _accepted;

    public FrameGuard(FrameLimits limits, UnauthenticatedBudget budget)
    {
        _limits = limits;
        _budget = budget;
    }

    /// <summary>The CONNECT's protocol level (3 or 4 for 3.1/3.1.1, 5), 0 before it arrived.</summary>
    public int ProtocolLevel { get; private set; }

    /// <summary>True once the gateway sent CONNACK 0 (the login was accepted): PUBLISH may then be as large as its cap.</summary>
    public bool Accepted => Volatile.Read(ref _accepted) == 1;

    /// <summary>
    /// Decides about the packet at the start of <paramref name="data"/> (bytes received and not yet given to MQTTnet).
    /// Reserves the packet's bytes from the unauthenticated budget when it passes before the login was accepted.
    /// </summary>
    public FrameVerdict Inspect(ReadOnlySpan<byte> data)
    {
        if (!TryReadVarInt(data, 1, out var remaining, out var lengthBytes, out var verdict))
        {
            return verdict;
        }

        var header = 1 + lengthBytes;
        var type = data[0] >> 4;
        var flags = data[0] & 0x0F;
        if (type == 0)
        {
            return FrameVerdict.Refuse(Malformed, "reserved_packet_type", "packet type 0 is reserved [MQTT-2.2.1]");
        }

        if (type == Connect)
        {
            return ProtocolLevel != 0
                ? FrameVerdict.Refuse(ProtocolError, "second_connect", "a second CONNECT on one connection [MQTT-3.1.0-2]")
                : InspectConnect(data, header, remaining, flags);
        }

        if (ProtocolLevel == 0)
        {
            return FrameVerdict.Refuse(ProtocolError, "connect_not_first", "the first packet must be CONNECT [MQTT-3.1.0-1]");
        }

        if (type is 2 or 9 or 11 or 13 || (type == Auth && ProtocolLevel != 5))
        {
            return FrameVerdict.Refuse(ProtocolError, "server_packet_type", $"packet type {type} is not one a client sends");
        }

        if (type != Publish && flags != (type is 6 or Subscribe or Unsubscribe ? 2 : 0))
        {
            return FrameVerdict.Refuse(Malformed, "reserved_flags", $"reserved flags {flags} in a packet of type {type} [MQTT-2.2.2-2]");
        }

        var cap = type == Publish && Accepted ? _limits.MaxPublishPacketBytes : _limits.MaxConnectPacketBytes;
        if ((long)header + remaining > cap)
        {
            return TooLarge(header + remaining, type, cap);
        }

        if (type == Publish)
        {
            return InspectPublish(data, header, remaining, flags);
        }

        if (type is Subscribe or Unsubscribe)
        {
            // [MQTT-2.3.1-1] SUBSCRIBE and UNSUBSCRIBE carry a non-zero packet id.
            if (remaining < 2)
            {
                return FrameVerdict.Refuse(Malformed, "truncated", $"a packet of type {type} without its packet id");
            }

            if (data.Length < header + 2)
            {
                return FrameVerdict.NeedMore(header + 2);
            }

            if (BinaryPrimitives.ReadUInt16BigEndian(data[header..]) == 0)
            {
                return FrameVerdict.Refuse(ProtocolError, "packet_id_0", $"packet id 0 in a packet of type {type} [MQTT-2.3.1-1]");
            }
        }

        return PassAndReserve(header, 0, remaining);
    }

    /// <summary>Called with the first bytes of every packet the server sends: a CONNACK 0 marks the login accepted.</summary>
    public void OnOutboundPacket(ReadOnlySpan<byte> packetStart)
    {
        if (Accepted || packetStart.Length < 4 || packetStart[0] != 0x20
            || !TryReadVarInt(packetStart, 1, out _, out var lengthBytes, out _) || packetStart.Length < 3 + lengthBytes)
        {
            return;
        }

        // CONNACK: acknowledge flags, then the reason code (3.1.1: return code); 0 is success in both versions.
        if (packetStart[2 + lengthBytes] == 0)
        {
            Volatile.Write(ref _accepted, 1);
            ReleaseReservation();
        }
    }

    /// <summary>Gives the connection's unauthenticated reservation back (on acceptance and when it closes).</summary>
    public void ReleaseReservation() => _budget.Release(Interlocked.Exchange(ref _reserved, 0));

    private FrameVerdict InspectConnect(ReadOnlySpan<byte> data, int header, int remaining, int flags)
    {
        // The head: protocol name ("MQTT", 3.1: "MQIsdp") and level, enough to answer in the client's own version.
        if (flags != 0 || remaining < 2)
        {
            return FrameVerdict.Refuse(Malformed, "connect_header", "a malformed CONNECT fixed header [MQTT-2.2.2-2]");
        }

        if (data.Length < header + 2)
        {
            return FrameVerdict.NeedMore(header + 2);
        }

        var nameLength = BinaryPrimitives.ReadUInt16BigEndian(data[header..]);
        var head = 2 + nameLength + 1;
        if (nameLength is not (4 or 6) || remaining < head)
        {
            return FrameVerdict.Refuse(ProtocolError, "protocol_name", "not an MQTT CONNECT (protocol name) [MQTT-3.1.2-1]");
        }

        if (data.Length < header + head)
        {
            return FrameVerdict.NeedMore(header + head);
        }

        var name = data.Slice(header + 2, nameLength);
        var level = data[header + head - 1];
        if (!(name.SequenceEqual("MQTT"u8) && level is 4 or 5) && !(name.SequenceEqual("MQIsdp"u8) && level == 3))
        {
            return FrameVerdict.Refuse(ProtocolError, "protocol_level", $"unsupported protocol name or level {level} [MQTT-3.1.2-1] [MQTT-3.1.2-2]");
        }

        ProtocolLevel = level;
        return (long)header + remaining > _limits.MaxConnectPacketBytes
            ? TooLarge(header + remaining, Connect, _limits.MaxConnectPacketBytes)
            : PassAndReserve(header, head, remaining);
    }

    private FrameVerdict InspectPublish(ReadOnlySpan<byte> data, int header, int remaining, int flags)
    {
        var qos = (flags >> 1) & 3;
        if (qos == 3)
        {
            return FrameVerdict.Refuse(Malformed, "qos_3", "a PUBLISH with QoS 3 [MQTT-3.3.1-4]");
        }

        if (qos == 0 && (flags & 8) != 0)
        {
            return FrameVerdict.Refuse(Malformed, "dup_on_qos_0", "DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2]");
        }

        if (remaining < 2)
        {
            return FrameVerdict.Refuse(Malformed, "truncated", "a PUBLISH without a topic");
        }

        if (data.Length < header + 2)
        {
            return FrameVerdict.NeedMore(header + 2);
        }

        var topicLength = BinaryPrimitives.ReadUInt16BigEndian(data[header..]);
        if (topicLength > _limits.MaxTopicBytes)
        {
            return FrameVerdict.Refuse(TopicNameInvalid, "topic_too_long", $"a {topicLength}-byte topic; Mqtt:MaxTopicBytes is {_limits.MaxTopicBytes}");
        }

        var head = 2 + topicLength + (qos > 0 ? 2 : 0);
        if (remaining < head)
        {
            return FrameVerdict.Refuse(Malformed, "truncated", "a PUBLISH shorter than its topic and packet id");
        }

        if (data.Length < header + head)
        {
            return FrameVerdict.NeedMore(header + head);
        }

        var topic = data.Slice(header + 2, topicLength);
        if (TopicProblem(topic) is { } problem)
        {
            return problem;
        }

        if (qos > 0 && BinaryPrimitives.ReadUInt16BigEndian(data[(header + head - 2)..]) == 0)
        {
            return FrameVerdict.Refuse(ProtocolError, "packet_id_0", "a QoS 1/2 PUBLISH with packet id 0 [MQTT-2.3.1-1]");
        }

        if (ProtocolLevel != 5)
        {
            return topicLength == 0
                ? FrameVerdict.Refuse(Malformed, "topic_empty", "an empty topic name [MQTT-4.7.3-1]")
                : PassAndReserve(header, head, remaining);
        }

        if (!TryReadVarInt(data, header + head, out var propertiesLength, out var lengthBytes, out var verdict))
        {
            return verdict;
        }

        if (propertiesLength > Hosting.MqttOptions.MaxPublishPropertyBytes)
        {
            return FrameVerdict.Refuse(PacketTooLarge, "properties_too_large", $"{propertiesLength} bytes of PUBLISH properties; the gateway takes {Hosting.MqttOptions.MaxPublishPropertyBytes}");
        }

        var total = head + lengthBytes + propertiesLength;
        if (remaining < total)
        {
            return FrameVerdict.Refuse(Malformed, "truncated", "PUBLISH properties longer than the packet");
        }

        if (data.Length < header + total)
        {
            return FrameVerdict.NeedMore(header + total);
        }

        var aliasVerdict = PublishProperties.Check(data.Slice(header + head + lengthBytes, propertiesLength), out var alias);
        if (aliasVerdict is { } bad)
        {
            return bad;
        }

        return CheckAlias(alias, topicLength) ?? PassAndReserve(header, total, remaining);
    }

    // [MQTT-3.3.2-8] [MQTT-3.3.2-9]: an alias is 1..Topic Alias Maximum; one without a topic must have been set before.
    private FrameVerdict? CheckAlias(int alias, int topicLength)
    {
        if (alias < 0)
        {
            return topicLength == 0 ? FrameVerdict.Refuse(ProtocolError, "topic_empty", "an empty topic name without a topic alias [MQTT-3.3.2-1]") : null;
        }

        if (alias == 0 || alias > _limits.TopicAliasMaximum)
        {
            return FrameVerdict.Refuse(TopicAliasInvalid, "topic_alias", $"topic alias {alias}; the gateway's CONNACK allows 1-{_limits.TopicAliasMaximum} [MQTT-3.3.2-9]");
        }

        _aliases ??= new bool[_limits.TopicAliasMaximum + 1];
        if (topicLength == 0 && !_aliases[alias])
        {
            return FrameVerdict.Refuse(ProtocolError, "topic_alias_unknown", $"topic alias {alias} used before it was set [MQTT-3.3.2-12]");
        }

        _aliases[alias] = true;
        return null;
    }

    // [MQTT-1.5.3-1] well-formed UTF-8 (no surrogates, no overlong forms); [MQTT-1.5.3-2] no U+0000;
    // [MQTT-3.3.2-2] no wildcard characters in a topic name.
    private static FrameVerdict? TopicProblem(ReadOnlySpan<byte> topic)
    {
        if (topic.Contains((byte)0))
        {
            return FrameVerdict.Refuse(Malformed, "topic_nul", "a topic containing U+0000 [MQTT-1.5.3-2]");
        }

        if (!Utf8.IsValid(topic))
        {
            return FrameVerdict.Refuse(Malformed, "topic_utf8", "a topic that is not well-formed UTF-8 [MQTT-1.5.3-1]");
        }

        return topic.IndexOfAny((byte)'+', (byte)'#') >= 0
            ? FrameVerdict.Refuse(TopicNameInvalid, "topic_wildcard", "a wildcard in a topic name [MQTT-3.3.2-2]")
            : null;
    }

    private FrameVerdict PassAndReserve(int header, int head, int remaining)
    {
        if (!Accepted)
        {
            var bytes = header + remaining;
            if (!_budget.TryReserve(bytes))
            {
                return FrameVerdict.Refuse(ServerBusy, "unauthenticated_budget", $"Mqtt:MaxUnauthenticatedBytes reached by connections not yet accepted ({_budget.Used} bytes)");
            }

            Interlocked.Add(ref _reserved, bytes);
        }

        return FrameVerdict.Pass(header + head, remaining - head);
    }

    private static FrameVerdict TooLarge(long bytes, int type, int cap)
        => FrameVerdict.Refuse(PacketTooLarge, "packet_too_large", $"a {bytes}-byte packet of type {type}; the limit here is {cap} bytes (Mqtt:MaxConnectPacketBytes before the login and for all but PUBLISH, else Mqtt:MaxPayloadBytes plus topic and properties)");

    /// <summary>A Variable Byte Integer [MQTT-1.5.5]: at most 4 bytes. False with the verdict when incomplete or malformed.</summary>
    internal static bool TryReadVarInt(ReadOnlySpan<byte> data, int offset, out int value, out int length, out FrameVerdict verdict)
    {
        value = 0;
        length = 0;
        var multiplier = 1;
        while (true)
        {
            if (offset + length >= data.Length)
            {
                verdict = FrameVerdict.NeedMore(offset + length + 1);
                return false;
            }

            var b = data[offset + length];
            value += (b & 0x7F) * multiplier;
            length++;
            if ((b & 0x80) == 0)
            {
                verdict = default;
                return true;
            }

            if (length == 4)
            {
                verdict = FrameVerdict.Refuse(Malformed, "malformed_length", "a variable byte integer longer than 4 bytes [MQTT-1.5.5]");
                return false;
            }

            multiplier *= 128;
        }
    }
}
