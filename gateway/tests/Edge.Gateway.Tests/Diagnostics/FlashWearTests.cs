using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Diagnostics;

/// <summary>The installer's wear figure: the rate, the predicted card life and the Storage keys that configure them.</summary>
public sealed class FlashWearTests
{
    [Fact]
    public void Estimate_OneGigabytePerDay_PredictsEnduranceOverFourTimesThat()
    {
        var time = new FakeTimeProvider();
        var wear = new FlashWear("test", enduranceTbw: 4, time);
        Assert.Null(wear.Estimate(0).Years); // No rate yet.

        time.Advance(TimeSpan.FromMinutes(9)); // Inside the 10-minute window: the rate since the first reading.
        (double perDay, double? years) = wear.Estimate(1_000_000_000 / 160); // 1/160 of a day.

        Assert.Equal(1e9, perDay, precision: 0);
        Assert.Equal(4e12 / (1e9 * FlashWear.SmallWriteAmplification) / 365.25, years!.Value, precision: 6);
    }

    [Fact]
    public void Estimate_RateChanges_FollowsTheLastTenMinutes()
    {
        var time = new FakeTimeProvider();
        var wear = new FlashWear("test", 16, time);
        long written = 0;
        wear.Estimate(written);
        for (int i = 0; i < 60 * 6; i++) // An hour at 1 MB per 10 s...
        {
            time.Advance(TimeSpan.FromSeconds(10));
            written += 1_000_000;
            wear.Estimate(written);
        }

        for (int i = 0; i < 60 * 6; i++) // ...then an hour at 10 kB per 10 s.
        {
            time.Advance(TimeSpan.FromSeconds(10));
            written += 10_000;
            wear.Estimate(written);
        }

        Assert.Equal(10_000 / 10.0 * 86_400, wear.Estimate(written).BytesPerDay, precision: 0);
    }

    [Theory]
    [InlineData("Storage:CardClass", "tlc-9000")]
    [InlineData("Storage:CardEnduranceTbw", "0")]
    [InlineData("Storage:CardEnduranceTbw", "-5")]
    [InlineData("Storage:PreallocateBytes", "1000")]
    [InlineData("Storage:PreallocateBytes", "-4096")]
    [InlineData("Storage:PreallocateBytes", "33554432")]
    [InlineData("Storage:CommitWindowMilliseconds", "21")]
    [InlineData("Storage:CommitWindowMilliseconds", "-1")]
    [InlineData("Storage:FollowUpWindowMilliseconds", "20.5")]
    [InlineData("Storage:FollowUpWindowMilliseconds", "-0.1")]
    public void Load_InvalidStorageWearValue_ErrorNamesTheKey(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load((key, value)));

        Assert.StartsWith(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StorageWearKeys_ReachTheLogAndTheEstimate()
    {
        var settings = Load(("Storage:PreallocateBytes", "0"), ("Storage:CommitWindowMilliseconds", "1.5"), ("Storage:FollowUpWindowMilliseconds", "0"), ("Storage:CardClass", "High-Endurance-32GB"));

        var options = settings.ToLogOptions();
        Assert.Equal(0, options.PreallocateBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(1.5), options.CommitWindow);
        Assert.Equal(TimeSpan.Zero, options.FollowUpWindow);
        Assert.Equal(29.25, Edge.Gateway.Web.GatewayEndpoints.FlashWearOf(settings).EnduranceTbw);
        Assert.Equal(7, Edge.Gateway.Web.GatewayEndpoints.FlashWearOf(Load(("Storage:CardEnduranceTbw", "7"))).EnduranceTbw);
    }

    [Fact]
    public void Load_NoStorageWearKeys_NoPreallocationAndCommitsAtOnce()
    {
        var options = Load().ToLogOptions();

        Assert.Equal(0, options.PreallocateBytes); // off: it lost acknowledged messages under crashfs power cuts
        Assert.Equal(TimeSpan.Zero, options.CommitWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.FollowUpWindow);
        Assert.Equal("consumer-32gb", Edge.Gateway.Web.GatewayEndpoints.FlashWearOf(Load()).Card);
    }

    private static GatewaySettings Load(params (string Key, string Value)[] values)
        => GatewaySettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());
}
