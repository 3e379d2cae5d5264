using System.Text.Json.Serialization;

namespace Edge.Gateway.Commands;

/// <summary>Source-generated JSON for <see cref="SeenDevicesFile"/>.</summary>
[JsonSerializable(typeof(SeenDevicesFile))]
internal sealed partial class SeenDevicesJson : JsonSerializerContext;
