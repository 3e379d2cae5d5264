using System.Text.Json.Serialization;

namespace Edge.Gateway.Commands;

/// <summary>The contents of <c>seen-devices.json</c>: <c>{"version": 1, "devices": {"id": last seen, Unix ms}}</c>.</summary>
internal sealed class SeenDevicesFile
{
    [JsonPropertyName("version")]
    public int Version { get; set; } = 1;

    [JsonPropertyName("devices")]
    public Dictionary<string, long> Devices { get; set; } = new(StringComparer.Ordinal);
}
