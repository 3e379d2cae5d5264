using Edge.Protocol;
using Edge.Protocol.Senml;

namespace Edge.Device.NanoFramework.Fuzz;

/// <summary>
/// Fuzz entries shared by the SharpFuzz runner (Program) and the in-process run in the test suite. Each
/// swallows only the exception type its parser documents for bad input; anything else escapes and is a bug.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Frames packets out of the bytes as the client's receive loop does and parses every client-side type.</summary>
    public static void ParseMqtt(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            var offset = 0;
            while (offset < data.Length)
            {
                if (!MqttPacketReader.TryReadFixedHeader(data, offset, data.Length - offset, out var type, out var flags, out var remaining, out var header)
                    || remaining > data.Length - offset - header)
                {
                    return;
                }

                var body = offset + header;
                switch (type)
                {
                    case MqttPacketType.ConnAck:
                        MqttPacketReader.ReadConnAck(data, body, flags, remaining, out _);
                        break;
                    case MqttPacketType.PubAck:
                        MqttPacketReader.ReadPubAck(data, body, flags, remaining);
                        break;
                    case MqttPacketType.SubAck:
                        MqttPacketReader.ReadSubAck(data, body, flags, remaining, out _);
                        break;
                    case MqttPacketType.PingResp:
                        MqttPacketReader.ReadPingResp(flags, remaining);
                        break;
                    case MqttPacketType.Publish:
                        MqttPacketReader.ReadPublish(data, body, flags, remaining, out var view);
                        _ = Utf8.Decode(data, view.TopicOffset, view.TopicLength);
                        break;
                    default:
                        break;
                }

                offset = body + remaining;
            }
        }
        catch (MqttProtocolException)
        {
            // documented outcome for malformed input
        }
    }

    /// <summary>Decodes the bytes as a SenML-CBOR pack (what the gateway and tests do with device payloads).</summary>
    public static void ParseSenml(byte[] data)
    {
        try
        {
            _ = SenmlDecoder.Decode(data);
        }
        catch (EdgeFormatException)
        {
            // documented outcome for malformed input
        }
    }
}
