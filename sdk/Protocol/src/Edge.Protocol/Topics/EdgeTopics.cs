using System;

namespace Edge.Protocol.Topics;

/// <summary>
/// The Edge v1 topic tree and its identifiers. Device ids and command names are 1–64 characters of
/// <c>[A-Za-z0-9._-]</c>: safe as a topic level (no '/', '+', '#') and as an MQTT client id (the device id
/// is the client id, [MQTT-3.1.3-5] allows any server to accept these characters).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class EdgeTopics
{
    private static readonly EdgeTopic Unknown = new(EdgeTopicKind.Unknown, string.Empty, string.Empty);

    /// <summary>Every Edge v1 topic starts with this.</summary>
    public const string Prefix = "edge/v1/";

    /// <summary>Longest device id or command name.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Last level of the telemetry topic.</summary>
    public const string TelemetryLevel = "telemetry";

    /// <summary>Last level of the status topic.</summary>
    public const string StatusLevel = "status";

    /// <summary>Level before the command name in command topics.</summary>
    public const string CommandLevel = "cmd";

    /// <summary>Last level of the command acknowledgement topic.</summary>
    public const string CommandAckLevel = "cmd-ack";

    /// <summary>Last level of the desired-state topic (gateway → device, retained).</summary>
    public const string DesiredLevel = "desired";

    /// <summary>Last level of the reported-state topic (device → gateway).</summary>
    public const string ReportedLevel = "reported";

    /// <summary><c>edge/v1/{deviceId}/telemetry</c>.</summary>
    /// <exception cref="ArgumentException">The device id is invalid.</exception>
    public static string Telemetry(string deviceId) => Prefix + CheckDeviceId(deviceId) + "/" + TelemetryLevel;

    /// <summary><c>edge/v1/{deviceId}/status</c>.</summary>
    /// <exception cref="ArgumentException">The device id is invalid.</exception>
    public static string Status(string deviceId) => Prefix + CheckDeviceId(deviceId) + "/" + StatusLevel;

    /// <summary><c>edge/v1/{deviceId}/cmd/{name}</c>.</summary>
    /// <exception cref="ArgumentException">The device id or command name is invalid.</exception>
    public static string Command(string deviceId, string name)
    {
        if (!IsValidCommandName(name))
        {
            throw new ArgumentException("A command name is 1-64 characters of [A-Za-z0-9._-].", nameof(name));
        }

        return Prefix + CheckDeviceId(deviceId) + "/" + CommandLevel + "/" + name;
    }

    /// <summary><c>edge/v1/{deviceId}/cmd/+</c>: the filter a device subscribes to for its commands.</summary>
    /// <exception cref="ArgumentException">The device id is invalid.</exception>
    public static string CommandFilter(string deviceId) => Prefix + CheckDeviceId(deviceId) + "/" + CommandLevel + "/+";

    /// <summary><c>edge/v1/{deviceId}/cmd-ack</c>.</summary>
    /// <exception cref="ArgumentException">The device id is invalid.</exception>
    public static string CommandAck(string deviceId) => Prefix + CheckDeviceId(deviceId) + "/" + CommandAckLevel;

    /// <summary><c>edge/v1/{deviceId}/desired</c>: the retained desired state the device subscribes to.</summary>
    /// <exception cref="ArgumentException">The device id is invalid.</exception>
    public static string Desired(string deviceId) => Prefix + CheckDeviceId(deviceId) + "/" + DesiredLevel;

    /// <summary><c>edge/v1/{deviceId}/reported</c>: where the device reports the desired-state version it applied.</summary>
    /// <exception cref="ArgumentException">The device id is invalid.</exception>
    public static string Reported(string deviceId) => Prefix + CheckDeviceId(deviceId) + "/" + ReportedLevel;

    /// <summary>The SenML base name the SDKs write: <c>{deviceId}:</c> (names then read "esp32-01:temperature").</summary>
    /// <exception cref="ArgumentException">The device id is invalid.</exception>
    public static string BaseName(string deviceId) => CheckDeviceId(deviceId) + ":";

    /// <summary>True for 1–64 characters of [A-Za-z0-9._-].</summary>
    public static bool IsValidDeviceId(string? deviceId) => IsValidId(deviceId, 0, deviceId == null ? 0 : deviceId.Length);

    /// <summary>True for 1–64 characters of [A-Za-z0-9._-].</summary>
    public static bool IsValidCommandName(string? name) => IsValidId(name, 0, name == null ? 0 : name.Length);

    /// <summary>Throws unless the device id is valid; returns it.</summary>
    /// <exception cref="ArgumentException">The device id is null, empty, too long or has a character outside [A-Za-z0-9._-].</exception>
    public static string CheckDeviceId(string deviceId)
    {
        if (!IsValidDeviceId(deviceId))
        {
            throw new ArgumentException("A device id is 1-64 characters of [A-Za-z0-9._-] (it is also the MQTT client id).", nameof(deviceId));
        }

        return deviceId;
    }

    /// <summary>
    /// Classifies a topic for routing and ACLs. Anything that is not exactly one of the six Edge v1 shapes
    /// with valid ids (including wildcards, extra or empty levels) is <see cref="EdgeTopicKind.Unknown"/>.
    /// </summary>
    /// <param name="topic">A topic name as received.</param>
    public static EdgeTopic Parse(string? topic)
    {
        var unknown = Unknown;
        if (topic == null || topic.Length <= Prefix.Length || !StartsWith(topic, 0, Prefix))
        {
            return unknown;
        }

        var idStart = Prefix.Length;
        var slash = topic.IndexOf('/', idStart);
        if (slash < 0 || !IsValidId(topic, idStart, slash - idStart))
        {
            return unknown;
        }

        var deviceId = topic.Substring(idStart, slash - idStart);
        var rest = slash + 1;
        var restLength = topic.Length - rest;
        if (IsLevel(topic, rest, restLength, TelemetryLevel))
        {
            return new EdgeTopic(EdgeTopicKind.Telemetry, deviceId, string.Empty);
        }

        if (IsLevel(topic, rest, restLength, StatusLevel))
        {
            return new EdgeTopic(EdgeTopicKind.Status, deviceId, string.Empty);
        }

        if (IsLevel(topic, rest, restLength, CommandAckLevel))
        {
            return new EdgeTopic(EdgeTopicKind.CommandAck, deviceId, string.Empty);
        }

        if (IsLevel(topic, rest, restLength, DesiredLevel))
        {
            return new EdgeTopic(EdgeTopicKind.Desired, deviceId, string.Empty);
        }

        if (IsLevel(topic, rest, restLength, ReportedLevel))
        {
            return new EdgeTopic(EdgeTopicKind.Reported, deviceId, string.Empty);
        }

        var nameStart = rest + CommandLevel.Length + 1;
        if (restLength > CommandLevel.Length + 1 && StartsWith(topic, rest, CommandLevel) && topic[rest + CommandLevel.Length] == '/'
            && IsValidId(topic, nameStart, topic.Length - nameStart))
        {
            return new EdgeTopic(EdgeTopicKind.Command, deviceId, topic.Substring(nameStart));
        }

        return unknown;
    }

    private static bool IsValidId(string? text, int start, int length)
    {
        if (text == null || length < 1 || length > MaxIdLength)
        {
            return false;
        }

        for (var i = start; i < start + length; i++)
        {
            var c = text[i];
            var ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWith(string text, int start, string prefix)
    {
        if (text.Length - start < prefix.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (text[start + i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLevel(string text, int start, int length, string expected)
        => length == expected.Length && StartsWith(text, start, expected);
}
