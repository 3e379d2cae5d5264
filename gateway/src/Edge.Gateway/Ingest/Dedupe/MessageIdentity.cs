using System.Runtime.InteropServices;
using Edge.Gateway.Records;
using Edge.Protocol.Topics;

namespace Edge.Gateway.Ingest.Dedupe;

/// <summary>What identifies an incoming message when it is sent again (<see cref="RecordIdentity"/>). Stateless, thread-safe.</summary>
internal static class MessageIdentity
{
    private const string TelemetrySuffix = "/" + EdgeTopics.TelemetryLevel;

    /// <summary>
    /// The pack's (bid, seq) when the message is an Edge SDK pack on the sender's own <c>edge/v1/{id}/telemetry</c>, and for
    /// QoS 2 the packet id (0 when unknown: none is kept) with a CRC-32C of payload and topic. Allocates nothing.
    /// </summary>
    public static RecordIdentity Of(string clientId, string topic, int qos, ReadOnlySpan<byte> payload, ushort packetId)
    {
        var identity = RecordIdentity.None;
        if (IsOwnTelemetry(clientId, topic) && PackIdentityReader.TryRead(payload, out var bootId, out var sequence))
        {
            identity = identity.WithPack(bootId, sequence);
        }

        if (qos == 2 && packetId != 0)
        {
            var length = payload.Length;
            var topicCrc = Edge.Storage.Crc32C.Append(0xFFFFFFFFu, MemoryMarshal.AsBytes(topic.AsSpan()));
            topicCrc = ~Edge.Storage.Crc32C.Append(topicCrc, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(ref length)));
            identity = identity.WithPacketId(packetId, ((ulong)Edge.Storage.Crc32C.Compute(payload) << 32) | topicCrc);
        }

        return identity;
    }

    private static bool IsOwnTelemetry(string clientId, string topic) =>
        topic.Length == EdgeTopics.Prefix.Length + clientId.Length + TelemetrySuffix.Length
        && topic.StartsWith(EdgeTopics.Prefix, StringComparison.Ordinal)
        && topic.EndsWith(TelemetrySuffix, StringComparison.Ordinal)
        && topic.AsSpan(EdgeTopics.Prefix.Length, clientId.Length).SequenceEqual(clientId);
}
