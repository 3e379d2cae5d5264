namespace Edge.Device.NanoFramework.Tests.Session;

/// <summary>The fail-over order both SDKs follow: the list in order, then the last good gateway first, then the others in list order.</summary>
public sealed class GatewaySelectionTests
{
    [Fact]
    public void Failed_NothingGoodYet_TriesTheListInOrderRoundAfterRound()
    {
        var selection = new GatewaySelection(3);
        var tried = new List<int> { selection.Current };
        for (var i = 0; i < 6; i++)
        {
            selection.Failed();
            tried.Add(selection.Current);
        }

        Assert.Equal([0, 1, 2, 0, 1, 2, 0], tried);
    }

    [Fact]
    public void Failed_AfterASuccessOnTheSecond_LastGoodFirstThenTheOthersInListOrder()
    {
        var selection = new GatewaySelection(3);
        selection.Failed();
        selection.Succeeded(); // connected to gateway 1, later dropped: it is tried again first
        Assert.Equal(1, selection.Current);
        Assert.Equal(1, selection.LastGood);
        var tried = new List<int> { selection.Current };
        for (var i = 0; i < 6; i++)
        {
            selection.Failed();
            tried.Add(selection.Current);
        }

        Assert.Equal([1, 0, 2, 1, 0, 2, 1], tried);
    }

    [Fact]
    public void Succeeded_OnAnother_BecomesTheOneTriedFirst()
    {
        var selection = new GatewaySelection(2);
        selection.Succeeded(); // 0
        selection.Failed(); // 0 is down: 1
        selection.Succeeded(); // on 1 now

        Assert.Equal(1, selection.Current);
        selection.Failed();
        Assert.Equal(0, selection.Current);
        selection.Failed();
        Assert.Equal(1, selection.Current);
    }

    [Fact]
    public void Failed_SingleGateway_AlwaysTheSame()
    {
        var selection = new GatewaySelection(1);
        selection.Failed();
        selection.Failed();

        Assert.Equal(0, selection.Current);
    }

    [Fact]
    public void Constructor_EmptyList_ThrowsNamingGateways()
        => Assert.Contains("gateways", Assert.Throws<ArgumentException>(() => new GatewaySelection(0)).Message, StringComparison.Ordinal);
}
