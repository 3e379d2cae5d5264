using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Gateway.Tests.Commands;

/// <summary>
/// Command delivery filters what MQTTnet enqueues for each client; retained messages handed to a new subscriber (a
/// device's status) must pass that filter untouched. Real gateway process with commands on (the default).
/// </summary>
public sealed class RetainedMessageTests
{
    [Fact]
    public async Task Subscribe_AfterDevicePublishedRetainedStatus_SubscriberReceivesIt()
    {
        using var rig = new CommandRig();
        await rig.StartAsync();
        var factory = new MqttClientFactory();
        using var device = factory.CreateMqttClient();
        await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", rig.Gateway.Port).WithClientId("dev-r").Build(), TestContext.Current.CancellationToken);
        var published = await device.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic("edge/v1/dev-r/status").WithPayload("online"u8.ToArray()).WithRetainFlag().WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            TestContext.Current.CancellationToken);
        Assert.True(published.IsSuccess, published.ReasonString);

        using var watcher = factory.CreateMqttClient();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(e.ApplicationMessage.Topic + "=" + Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        await watcher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", rig.Gateway.Port).WithClientId("watcher").Build(), TestContext.Current.CancellationToken);
        await watcher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("edge/v1/+/status", MqttQualityOfServiceLevel.AtLeastOnce).Build(), TestContext.Current.CancellationToken);

        var first = await Task.WhenAny(received.Task, Task.Delay(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken));
        Assert.True(first == received.Task, "the retained status of dev-r never reached a new subscriber");
        Assert.Equal("edge/v1/dev-r/status=online", await received.Task);
    }
}
