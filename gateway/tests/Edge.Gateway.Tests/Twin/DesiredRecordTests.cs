using System.Text;
using Confluent.Kafka;
using Edge.Gateway.Hosting;
using Edge.Gateway.Twin;
using Edge.Protocol.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Edge.Gateway.Tests.Twin;

/// <summary>Parsing desired-state records, the store on a real directory, and the configuration keys.</summary>
public sealed class DesiredRecordTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("edge-desired-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void Parse_JsonValue_BecomesStateWithTheOffsetAsVersion()
    {
        var record = DesiredRecord.Parse("dev-1"u8.ToArray(), "{\"interval_s\":30}"u8.ToArray(), null, 7, 4096);

        var state = EdgeStateCodec.Decode(record.Payload!, 0, record.Payload!.Length);
        Assert.Equal("dev-1", record.DeviceId);
        Assert.Equal(7UL, state.Version);
        Assert.Equal("{\"interval_s\":30}", state.DocumentToJson());
        // The golden bytes of docs/protocol.md: the same document as version 7.
        Assert.Equal("A261760763646F63A16A696E74657276616C5F73181E", Convert.ToHexString(record.Payload));
    }

    [Fact]
    public void Parse_CborWithContentType_PassedThroughRaw()
    {
        var headers = new Headers { { DesiredRecord.ContentTypeHeader, Encoding.UTF8.GetBytes("application/cbor") } };
        var record = DesiredRecord.Parse("dev-1"u8.ToArray(), [0x82, 0x01, 0xF5], headers, 3, 4096);
        Assert.Equal([0x82, 0x01, 0xF5], EdgeStateCodec.Decode(record.Payload!, 0, record.Payload!.Length).GetDocument());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_EmptyValue_IsADeletion(string? value)
    {
        var record = DesiredRecord.Parse("dev-1"u8.ToArray(), value is null ? null : Encoding.UTF8.GetBytes(value), null, 1, 4096);
        Assert.Null(record.Payload);
    }

    [Theory]
    [InlineData("dev/1", "{}", "key")]
    [InlineData(null, "{}", "key")]
    [InlineData("dev-1", "{nope", "not JSON")]
    [InlineData("dev-1", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]", "MaxDocumentBytes")]
    public void Parse_BadRecord_ThrowsFormatExceptionSayingWhy(string? key, string value, string why)
    {
        var e = Assert.Throws<FormatException>(() => DesiredRecord.Parse(key is null ? null : Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), null, 1, 16));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CborNotOneItem_Throws()
    {
        var headers = new Headers { { DesiredRecord.ContentTypeHeader, Encoding.UTF8.GetBytes("application/cbor") } };
        Assert.Throws<FormatException>(() => DesiredRecord.Parse("d"u8.ToArray(), [0x01, 0x02], headers, 1, 4096));
    }

    [Fact]
    public void Store_SaveReopenDelete_KeepsTheLatestAndSkipsUnreadableFiles()
    {
        var store = new DesiredStateStore(_data, NullLogger<DesiredStateStore>.Instance);
        var first = DesiredRecord.Parse("a"u8.ToArray(), "1"u8.ToArray(), null, 1, 64).Payload!;
        var second = DesiredRecord.Parse("a"u8.ToArray(), "2"u8.ToArray(), null, 2, 64).Payload!;
        Assert.True(store.Save("a", first));
        Assert.True(store.Save("a", second));
        Assert.False(store.Save("a", second)); // read again after a restart: no write
        Assert.True(store.Save("b", first));
        File.WriteAllBytes(Path.Combine(store.Directory, "c.state"), [0xFF]);
        File.WriteAllBytes(Path.Combine(store.Directory, "b.state.tmp"), [0x00]);

        var reopened = new DesiredStateStore(_data, NullLogger<DesiredStateStore>.Instance);

        Assert.Equal(second, reopened.Get("a"));
        Assert.Equal(first, reopened.Get("b"));
        Assert.Null(reopened.Get("c"));
        Assert.False(File.Exists(Path.Combine(store.Directory, "b.state.tmp")));
        Assert.True(reopened.Delete("a"));
        Assert.Null(new DesiredStateStore(_data, NullLogger<DesiredStateStore>.Instance).Get("a"));
    }

    [Theory]
    [InlineData("Kafka:Desired:Topic", "bad topic")]
    [InlineData("Kafka:Desired:ReportedTopic", "")]
    [InlineData("Kafka:Desired:MaxDocumentBytes", "1")]
    [InlineData("Kafka:Desired:GroupId", " ")]
    public void Load_BadDesiredKey_NamesTheKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var e = Assert.Throws<ConfigurationException>(() => GatewaySettings.Load(configuration));
        Assert.Equal(key, e.Key);
    }

    [Fact]
    public void RouteTable_Reported_GoesToTheReportedTopicUnlessARouteSaysOtherwise()
    {
        var options = new KafkaOptions();
        Assert.Equal(("edge.reported", "dev-1"), new Edge.Gateway.Egress.RouteTable(options).Resolve("dev-1", "edge/v1/dev-1/reported"));
        options.Routes.Add(new KafkaRouteOptions { MqttFilter = "edge/v1/#", Topic = "everything" });
        Assert.Equal("everything", new Edge.Gateway.Egress.RouteTable(options).Resolve("dev-1", "edge/v1/dev-1/reported").Topic);
    }
}
