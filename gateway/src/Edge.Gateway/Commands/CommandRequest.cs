namespace Edge.Gateway.Commands;

/// <summary>A well-formed command read from Kafka, before the gateway decided whether to queue it.</summary>
/// <param name="Device">Target device id (the record key).</param>
/// <param name="Id">Command id chosen by the sender; the device's ack echoes it.</param>
/// <param name="Name">Command name: the last level of <c>edge/v1/{device}/cmd/{name}</c>.</param>
/// <param name="Args">The CBOR <c>args</c> item; empty for none.</param>
/// <param name="TtlSeconds">The record's <c>ttl_s</c>, or null for the default.</param>
/// <param name="Gateway">The gateway the record names (header <c>edge.gateway</c> or field <c>gateway</c>), or null.</param>
internal sealed record CommandRequest(string Device, string Id, string Name, byte[] Args, double? TtlSeconds, string? Gateway);
