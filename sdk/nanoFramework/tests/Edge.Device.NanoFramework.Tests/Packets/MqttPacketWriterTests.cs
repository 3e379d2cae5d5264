namespace Edge.Device.NanoFramework.Tests.Packets;

/// <summary>Golden bytes from the MQTT 3.1.1 specification (OASIS Standard, 29 October 2014).</summary>
public sealed class MqttPacketWriterTests
{
    private readonly byte[] _buffer = new byte[512];

    [Theory]
    // Table 2.4 - Size of Remaining Length field [MQTT-2.2.3]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    public void WriteRemainingLength_SpecTable24_MatchesBytes(int value, byte[] expected)
    {
        var end = MqttPacketWriter.WriteRemainingLength(_buffer, 0, value);

        Assert.Equal(expected, _buffer[..end]);
        Assert.Equal(expected.Length, MqttPacketWriter.RemainingLengthSize(value));
    }

    [Fact]
    public void WriteConnect_SpecFigure36Flags_VariableHeaderMatchesSpecExample()
    {
        // Figure 3.6 - Variable header non normative example: protocol name "MQTT", level 4, flags 0xCE
        // (user name, password, will QoS 1, will flag, clean session), keep alive 10 s.
        var n = MqttPacketWriter.WriteConnect(_buffer, 0, "c", cleanSession: true, keepAliveSeconds: 10,
            willTopic: "w", willMessage: [0x01], willQos: MqttQos.AtLeastOnce, willRetain: false, userName: "u", password: "p");

        Assert.Equal(new byte[] { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0xCE, 0, 10 }, _buffer[2..12]);
        // Payload order [MQTT-3.1.3-1]: client id, will topic, will message, user name, password.
        Assert.Equal(new byte[] { 0, 1, (byte)'c', 0, 1, (byte)'w', 0, 1, 0x01, 0, 1, (byte)'u', 0, 1, (byte)'p' }, _buffer[12..n]);
        Assert.Equal(new byte[] { 0x10, (byte)(n - 2) }, _buffer[..2]);
    }

    [Fact]
    public void WriteConnect_MinimalPersistentSession_MatchesByteByteConstruction()
    {
        // Section 3.1: fixed header 0x10, remaining length 15; flags 0x00 (clean session 0 [MQTT-3.1.2-4]); keep alive 60.
        var n = MqttPacketWriter.WriteConnect(_buffer, 0, "dev", false, 60, null, null, MqttQos.AtMostOnce, false, null, null);

        byte[] expected = [0x10, 15, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0x00, 0, 60, 0, 3, (byte)'d', (byte)'e', (byte)'v'];
        Assert.Equal(expected, _buffer[..n]);
    }

    [Fact]
    public void WriteConnect_WillRetainQos0_SetsOnlyWillAndRetainFlags()
    {
        // Connect flags bit 5 will retain, bits 4-3 will QoS, bit 2 will flag (Figure 3.4) [MQTT-3.1.2-14].
        MqttPacketWriter.WriteConnect(_buffer, 0, "d", false, 0, "t", [], MqttQos.AtMostOnce, true, null, null);

        Assert.Equal(0x24, _buffer[9]);
    }

    [Fact]
    public void WritePublish_SpecFigure311_VariableHeaderIsTopicAThenPacketId10()
    {
        // Figure 3.11 - Publish Packet variable header non normative example: topic "a/b", packet identifier 10.
        var n = MqttPacketWriter.WritePublish(_buffer, 0, "a/b", 3, [0xAA, 0xBB], 0, 2, MqttQos.AtLeastOnce, false, false, 10);

        byte[] expected = [0x32, 9, 0, 3, (byte)'a', (byte)'/', (byte)'b', 0, 10, 0xAA, 0xBB];
        Assert.Equal(expected, _buffer[..n]);
    }

    [Fact]
    public void WritePublish_Qos0_HasNoPacketIdAndNoDup()
    {
        // [MQTT-2.3.1-5] no packet identifier at QoS 0; [MQTT-3.3.1-2] DUP 0 for QoS 0.
        var n = MqttPacketWriter.WritePublish(_buffer, 0, "a/b", 3, [0x01], 0, 1, MqttQos.AtMostOnce, retain: true, dup: true, packetId: 7);

        Assert.Equal(new byte[] { 0x31, 6, 0, 3, (byte)'a', (byte)'/', (byte)'b', 0x01 }, _buffer[..n]);
    }

    [Fact]
    public void WritePublish_DupQos1_SetsBit3()
    {
        // Figure 3.10: DUP is bit 3 of byte 1 [MQTT-3.3.1-1].
        MqttPacketWriter.WritePublish(_buffer, 0, "t", 1, [], 0, 0, MqttQos.AtLeastOnce, false, true, 1);

        Assert.Equal(0x3A, _buffer[0]);
    }

    [Fact]
    public void WritePubAck_PacketId10_Is40020010()
    {
        // Figure 3.12/3.13: 0x40, remaining length 2, packet identifier.
        var n = MqttPacketWriter.WritePubAck(_buffer, 0, 10);

        Assert.Equal(new byte[] { 0x40, 0x02, 0x00, 0x0A }, _buffer[..n]);
    }

    [Fact]
    public void WriteSubscribe_SpecFigure322_TopicAQos1WithPacketId10()
    {
        // Figure 3.19 (packet id 10) and Figure 3.22 payload for "a/b" at QoS 1; first byte 0x82 [MQTT-3.8.1-1].
        var n = MqttPacketWriter.WriteSubscribe(_buffer, 0, 10, "a/b", MqttQos.AtLeastOnce);

        byte[] expected = [0x82, 8, 0, 10, 0, 3, (byte)'a', (byte)'/', (byte)'b', 1];
        Assert.Equal(expected, _buffer[..n]);
    }

    [Fact]
    public void WritePingReq_IsC000()
    {
        // Figure 3.33 - PINGREQ Packet fixed header.
        Assert.Equal(2, MqttPacketWriter.WritePingReq(_buffer, 0));
        Assert.Equal(new byte[] { 0xC0, 0x00 }, _buffer[..2]);
    }

    [Fact]
    public void WriteDisconnect_IsE000()
    {
        // Figure 3.35 - DISCONNECT Packet fixed header.
        Assert.Equal(2, MqttPacketWriter.WriteDisconnect(_buffer, 0));
        Assert.Equal(new byte[] { 0xE0, 0x00 }, _buffer[..2]);
    }

    [Fact]
    public void WritePublish_TopicWithNonAscii_WritesUtf8AndLengthInBytes()
    {
        // Figure 1.1 / 1.5.3: strings are UTF-8 with a byte-length prefix; U+2603 takes three bytes.
        var topic = "t/\u2603";
        var n = MqttPacketWriter.WritePublish(_buffer, 0, topic, Utf8.ByteCount(topic), [], 0, 0, MqttQos.AtMostOnce, false, false, 0);

        Assert.Equal(new byte[] { 0x30, 7, 0, 5, (byte)'t', (byte)'/', 0xE2, 0x98, 0x83 }, _buffer[..n]);
    }

    [Fact]
    public void WriteConnect_BufferTooSmall_Throws()
    {
        Assert.Throws<ArgumentException>(() => MqttPacketWriter.WriteConnect(new byte[8], 0, "dev", false, 0, null, null, MqttQos.AtMostOnce, false, null, null));
    }
}
