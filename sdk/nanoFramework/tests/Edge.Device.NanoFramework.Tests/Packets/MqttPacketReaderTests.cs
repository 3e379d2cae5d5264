namespace Edge.Device.NanoFramework.Tests.Packets;

public sealed class MqttPacketReaderTests
{
    [Theory]
    // Figure 3.8 / 3.9 - CONNACK: 0x20 0x02, acknowledge flags (session present), return code (table 3.1).
    [InlineData(new byte[] { 0x20, 0x02, 0x00, 0x00 }, 0, false)]
    [InlineData(new byte[] { 0x20, 0x02, 0x01, 0x00 }, 0, true)]
    [InlineData(new byte[] { 0x20, 0x02, 0x00, 0x05 }, 5, false)]
    public void ReadConnAck_SpecBytes_ReturnsCodeAndSessionPresent(byte[] packet, int code, bool sessionPresent)
    {
        Assert.True(MqttPacketReader.TryReadFixedHeader(packet, 0, packet.Length, out var type, out var flags, out var remaining, out var header));
        Assert.Equal(MqttPacketType.ConnAck, type);

        Assert.Equal(code, MqttPacketReader.ReadConnAck(packet, header, flags, remaining, out var present));
        Assert.Equal(sessionPresent, present);
    }

    [Theory]
    [InlineData(new byte[] { 0x20, 0x02, 0x02, 0x00 })] // reserved ack flag bits [MQTT-3.2.2]
    [InlineData(new byte[] { 0x20, 0x02, 0x00, 0x06 })] // unknown return code
    [InlineData(new byte[] { 0x20, 0x02, 0x01, 0x03 })] // session present with refusal [MQTT-3.2.2-4]
    [InlineData(new byte[] { 0x21, 0x02, 0x00, 0x00 })] // reserved fixed header flags [MQTT-2.2.2-1]
    public void ReadConnAck_Malformed_ThrowsProtocolException(byte[] packet)
    {
        MqttPacketReader.TryReadFixedHeader(packet, 0, packet.Length, out _, out var flags, out var remaining, out var header);

        Assert.Throws<MqttProtocolException>(() => MqttPacketReader.ReadConnAck(packet, header, flags, remaining, out _));
    }

    [Fact]
    public void ReadPubAck_PacketId10_Returns10()
    {
        byte[] packet = [0x40, 0x02, 0x00, 0x0A];
        MqttPacketReader.TryReadFixedHeader(packet, 0, 4, out _, out var flags, out var remaining, out var header);

        Assert.Equal(10, MqttPacketReader.ReadPubAck(packet, header, flags, remaining));
    }

    [Fact]
    public void ReadPubAck_PacketIdZero_ThrowsProtocolException()
    {
        byte[] packet = [0x40, 0x02, 0x00, 0x00];

        Assert.Throws<MqttProtocolException>(() => MqttPacketReader.ReadPubAck(packet, 2, 0, 2)); // [MQTT-2.3.1-1]
    }

    [Fact]
    public void ReadSubAck_SpecFigure326_ReturnsFirstCode()
    {
        // Figure 3.26 - Payload byte format non normative example: 0x00, 0x01, 0x02, 0x80 after packet id 10.
        byte[] packet = [0x90, 0x06, 0x00, 0x0A, 0x00, 0x01, 0x02, 0x80];
        MqttPacketReader.TryReadFixedHeader(packet, 0, packet.Length, out var type, out var flags, out var remaining, out var header);

        Assert.Equal(MqttPacketType.SubAck, type);
        Assert.Equal(0, MqttPacketReader.ReadSubAck(packet, header, flags, remaining, out var id));
        Assert.Equal(10, id);
    }

    [Fact]
    public void ReadSubAck_ReservedCode_ThrowsProtocolException()
    {
        byte[] packet = [0x90, 0x03, 0x00, 0x0A, 0x03];

        Assert.Throws<MqttProtocolException>(() => MqttPacketReader.ReadSubAck(packet, 2, 0, 3, out _)); // [MQTT-3.9.3-2]
    }

    [Fact]
    public void ReadPingResp_D000_Accepted()
    {
        byte[] packet = [0xD0, 0x00];
        Assert.True(MqttPacketReader.TryReadFixedHeader(packet, 0, 2, out var type, out var flags, out var remaining, out _));
        Assert.Equal(MqttPacketType.PingResp, type);

        MqttPacketReader.ReadPingResp(flags, remaining);
    }

    [Fact]
    public void ReadPublish_SpecFigure311_FindsTopicIdAndPayload()
    {
        byte[] packet = [0x32, 9, 0, 3, (byte)'a', (byte)'/', (byte)'b', 0, 10, 0xAA, 0xBB];
        MqttPacketReader.TryReadFixedHeader(packet, 0, packet.Length, out _, out var flags, out var remaining, out var header);

        MqttPacketReader.ReadPublish(packet, header, flags, remaining, out var view);

        Assert.Equal("a/b", Utf8.Decode(packet, view.TopicOffset, view.TopicLength));
        Assert.Equal(10, view.PacketId);
        Assert.Equal(MqttQos.AtLeastOnce, view.Qos);
        Assert.Equal(new byte[] { 0xAA, 0xBB }, packet[view.PayloadOffset..(view.PayloadOffset + view.PayloadLength)]);
    }

    [Theory]
    [InlineData(new byte[] { 0x36, 5, 0, 1, (byte)'a', 0, 1 })] // QoS 3 [MQTT-3.3.1-4]
    [InlineData(new byte[] { 0x38, 3, 0, 1, (byte)'a' })] // DUP with QoS 0 [MQTT-3.3.1-2]
    [InlineData(new byte[] { 0x30, 3, 0, 1, (byte)'+' })] // wildcard in topic name [MQTT-3.3.2-2]
    [InlineData(new byte[] { 0x30, 2, 0, 0 })] // empty topic [MQTT-4.7.3-1]
    [InlineData(new byte[] { 0x32, 5, 0, 1, (byte)'a', 0, 0 })] // packet id 0 [MQTT-2.3.1-1]
    [InlineData(new byte[] { 0x30, 3, 0, 5, (byte)'a' })] // topic longer than packet
    public void ReadPublish_Malformed_ThrowsProtocolException(byte[] packet)
    {
        MqttPacketReader.TryReadFixedHeader(packet, 0, packet.Length, out _, out var flags, out var remaining, out var header);

        Assert.Throws<MqttProtocolException>(() => MqttPacketReader.ReadPublish(packet, header, flags, remaining, out _));
    }

    [Fact]
    public void TryReadFixedHeader_FiveLengthBytes_ThrowsProtocolException()
    {
        byte[] packet = [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01];

        Assert.Throws<MqttProtocolException>(() => MqttPacketReader.TryReadFixedHeader(packet, 0, packet.Length, out _, out _, out _, out _)); // [MQTT-2.2.3]
    }

    [Fact]
    public void TryReadFixedHeader_Incomplete_ReturnsFalse()
    {
        byte[] packet = [0x30, 0x80];

        Assert.False(MqttPacketReader.TryReadFixedHeader(packet, 0, packet.Length, out _, out _, out _, out _));
    }

    [Fact]
    public void Utf8Decode_NullCharacter_ThrowsProtocolException()
    {
        Assert.Throws<MqttProtocolException>(() => Utf8.Decode([(byte)'a', 0], 0, 2)); // [MQTT-1.5.3-2]
    }

    [Fact]
    public void Utf8Decode_EncodedSurrogate_ThrowsProtocolException()
    {
        Assert.Throws<MqttProtocolException>(() => Utf8.Decode([0xED, 0xA0, 0x80], 0, 3)); // [MQTT-1.5.3-1]
    }
}
