using CsCheck;
using Edge.Protocol.Topics;

namespace Edge.Protocol.Tests;

public sealed class EdgeTopicsTests
{
    [Fact]
    public void Builders_ValidIds_ProduceTheDocumentedTopics()
    {
        Assert.Equal("edge/v1/esp32-01/telemetry", EdgeTopics.Telemetry("esp32-01"));
        Assert.Equal("edge/v1/esp32-01/status", EdgeTopics.Status("esp32-01"));
        Assert.Equal("edge/v1/esp32-01/cmd/reboot", EdgeTopics.Command("esp32-01", "reboot"));
        Assert.Equal("edge/v1/esp32-01/cmd/+", EdgeTopics.CommandFilter("esp32-01"));
        Assert.Equal("edge/v1/esp32-01/cmd-ack", EdgeTopics.CommandAck("esp32-01"));
        Assert.Equal("esp32-01:", EdgeTopics.BaseName("esp32-01"));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("esp32-01", true)]
    [InlineData("Meadow_F7.site-3", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a/b", false)]
    [InlineData("a+b", false)]
    [InlineData("a#", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123", true)]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234", false)]
    public void IsValidDeviceId_Examples(string? id, bool valid)
    {
        Assert.Equal(valid, EdgeTopics.IsValidDeviceId(id));
        Assert.Equal(valid, EdgeTopics.IsValidCommandName(id));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => EdgeTopics.Telemetry(id!));
        }
    }

    [Theory]
    [InlineData("edge/v1/esp32-01/telemetry", EdgeTopicKind.Telemetry, "esp32-01", "")]
    [InlineData("edge/v1/esp32-01/status", EdgeTopicKind.Status, "esp32-01", "")]
    [InlineData("edge/v1/esp32-01/cmd/reboot", EdgeTopicKind.Command, "esp32-01", "reboot")]
    [InlineData("edge/v1/esp32-01/cmd-ack", EdgeTopicKind.CommandAck, "esp32-01", "")]
    [InlineData("edge/v1/esp32-01/desired", EdgeTopicKind.Desired, "esp32-01", "")]
    [InlineData("edge/v1/esp32-01/reported", EdgeTopicKind.Reported, "esp32-01", "")]
    [InlineData("edge/v1/esp32-01/desired/x", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/esp32-01/cmd/", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/esp32-01/cmd/+", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/esp32-01/cmd/a/b", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/esp32-01/cmd", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/+/telemetry", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/#", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1//telemetry", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/esp32-01/telemetry/", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v2/esp32-01/telemetry", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/esp32-01", EdgeTopicKind.Unknown, "", "")]
    [InlineData("edge/v1/", EdgeTopicKind.Unknown, "", "")]
    [InlineData("", EdgeTopicKind.Unknown, "", "")]
    [InlineData(null, EdgeTopicKind.Unknown, "", "")]
    public void Parse_Topic_ClassifiesKindDeviceAndCommand(string? topic, EdgeTopicKind kind, string deviceId, string command)
    {
        var parsed = EdgeTopics.Parse(topic);
        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(deviceId, parsed.DeviceId);
        Assert.Equal(command, parsed.CommandName);
    }

    [Fact]
    public void Parse_BuiltTopics_RoundTrip()
    {
        CsCheck.Gen.Select(CsCheck.Gen.String[CsCheck.Gen.Char["abcXYZ019._-"], 1, 64], CsCheck.Gen.String[CsCheck.Gen.Char["az09_-."], 1, 64], (a, b) => (a, b)).Sample((id, name) =>
        {
            Assert.Equal(EdgeTopicKind.Telemetry, EdgeTopics.Parse(EdgeTopics.Telemetry(id)).Kind);
            Assert.Equal(EdgeTopicKind.Desired, EdgeTopics.Parse(EdgeTopics.Desired(id)).Kind);
            Assert.Equal(EdgeTopicKind.Reported, EdgeTopics.Parse(EdgeTopics.Reported(id)).Kind);
            var command = EdgeTopics.Parse(EdgeTopics.Command(id, name));
            Assert.Equal(EdgeTopicKind.Command, command.Kind);
            Assert.Equal(id, command.DeviceId);
            Assert.Equal(name, command.CommandName);
        });
    }

    [Fact]
    public void StatusPayloads_AreUtf8OfTheConstants()
    {
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(EdgeStatus.Online), EdgeStatus.OnlinePayload());
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(EdgeStatus.Offline), EdgeStatus.OfflinePayload());
    }
}
