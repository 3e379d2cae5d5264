using CsCheck;
using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Packets;

/// <summary>Encode/decode round trips over generated packets (CsCheck shrinks any failure to a minimal case).</summary>
public sealed class MqttPacketPropertyTests
{
    // Topic names: any UTF-16 text without wildcards, U+0000 or unpaired surrogates [MQTT-3.3.2-2], [MQTT-1.5.3].
    private static readonly Gen<string> Topic = Gen.Char
        .Where(c => c != '+' && c != '#' && c != '\0' && !char.IsSurrogate(c))
        .Array[1, 40].Select(a => new string(a));

    [Fact]
    public void RemainingLength_AnyValue_RoundTrips()
    {
        Gen.Int[0, MqttPacketWriter.MaxRemainingLength].Sample(value =>
        {
            var buffer = new byte[8]; // per sample: CsCheck runs samples in parallel
            buffer[0] = 0x30;
            var end = MqttPacketWriter.WriteRemainingLength(buffer, 1, value);

            Assert.True(MqttPacketReader.TryReadFixedHeader(buffer, 0, end, out _, out _, out var decoded, out var header));
            Assert.Equal(value, decoded);
            Assert.Equal(end, header);
        }, iter: 10_000);
    }

    [Fact]
    public void Publish_AnyFields_RoundTrips()
    {
        var gen = Gen.Select(Topic, Gen.Byte.Array[0, 300], Gen.Bool, Gen.Bool, Gen.Bool, Gen.Int[1, 65_535]);
        gen.Sample((topic, payload, qos1, retain, dup, id) =>
        {
            var buffer = new byte[4096];
            var qos = qos1 ? MqttQos.AtLeastOnce : MqttQos.AtMostOnce;
            var n = MqttPacketWriter.WritePublish(buffer, 0, topic, Utf8.ByteCount(topic), payload, 0, payload.Length, qos, retain, dup, id);

            Assert.Equal(n, MqttPacketWriter.PublishSize(Utf8.ByteCount(topic), payload.Length, qos));
            Assert.True(MqttPacketReader.TryReadFixedHeader(buffer, 0, n, out var type, out var flags, out var remaining, out var header));
            Assert.Equal(MqttPacketType.Publish, type);
            Assert.Equal(n, header + remaining);
            MqttPacketReader.ReadPublish(buffer, header, flags, remaining, out var view);
            Assert.Equal(topic, Utf8.Decode(buffer, view.TopicOffset, view.TopicLength));
            Assert.Equal(payload, buffer[view.PayloadOffset..(view.PayloadOffset + view.PayloadLength)]);
            Assert.Equal(qos, view.Qos);
            Assert.Equal(retain, view.Retain);
            Assert.Equal(dup && qos1, view.Dup);
            Assert.Equal(qos1 ? id : 0, view.PacketId);
            // The host's UTF-8 agrees with ours.
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(topic), buffer[view.TopicOffset..(view.TopicOffset + view.TopicLength)]);
        }, iter: 2_000);
    }

    [Fact]
    public void Connect_AnyFields_RoundTripsThroughServerSideDecoder()
    {
        var optional = Gen.Select(Topic, Gen.Bool, (t, b) => b ? t : null);
        var gen = Gen.Select(Topic, Gen.Bool, Gen.Int[0, 65_535], optional, Gen.Byte.Array[0, 50], Gen.Bool, optional, optional);
        gen.Sample((clientId, clean, keepAlive, will, willMessage, willRetain, user, password) =>
        {
            var buffer = new byte[2048];
            if (user is null)
            {
                password = null; // [MQTT-3.1.2-22]
            }

            var n = MqttPacketWriter.WriteConnect(buffer, 0, clientId, clean, keepAlive, will, willMessage, MqttQos.AtLeastOnce, willRetain, user, password);
            var decoded = ConnectDecoder.Decode(buffer.AsSpan(0, n).ToArray());

            Assert.Equal(n, MqttPacketWriter.ConnectSize(clientId, will, willMessage, user, password));
            Assert.Equal(clientId, decoded.ClientId);
            Assert.Equal(clean, decoded.CleanSession);
            Assert.Equal(keepAlive, decoded.KeepAliveSeconds);
            Assert.Equal(will, decoded.WillTopic);
            Assert.Equal(will is null ? null : willMessage, decoded.WillMessage);
            Assert.Equal(will is not null && willRetain, decoded.WillRetain);
            Assert.Equal(user, decoded.UserName);
            Assert.Equal(password, decoded.Password);
        }, iter: 2_000);
    }

    [Fact]
    public void Subscribe_AnyFilter_EncodesLengthsConsistently()
    {
        Gen.Select(Topic, Gen.Int[1, 65_535]).Sample((filter, id) =>
        {
            var buffer = new byte[512];
            var n = MqttPacketWriter.WriteSubscribe(buffer, 0, id, filter, MqttQos.AtLeastOnce);

            Assert.True(MqttPacketReader.TryReadFixedHeader(buffer, 0, n, out var type, out var flags, out var remaining, out var header));
            Assert.Equal((MqttPacketType.Subscribe, 2, n), (type, flags, header + remaining));
            Assert.Equal(id, (buffer[header] << 8) | buffer[header + 1]);
            var length = (buffer[header + 2] << 8) | buffer[header + 3];
            Assert.Equal(filter, Utf8.Decode(buffer, header + 4, length));
            Assert.Equal(1, buffer[n - 1]);
        }, iter: 1_000);
    }
}
