using System.Net;
using Edge.Gateway.Security;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Security;

public sealed class FailedAuthLimiterTests
{
    /// <summary>More attempts than a lockout takes.</summary>
    internal const int Attempts = FailedAuthLimiter.MaxFailures + 2;

    private const string Id = "esp32-07";
    private static readonly IPAddress Address = IPAddress.Parse("192.0.2.7");

    [Fact]
    public void RecordFailure_FifthFailureWithinAMinute_LocksOutFor30SecondsThenDoubles()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(time);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(FailureOutcome.Counted, limiter.RecordFailure(Address, Id));
        }

        Assert.False(limiter.IsLockedOut(Address, Id));
        Assert.Equal(FailureOutcome.LockedOut, limiter.RecordFailure(Address, Id));
        Assert.True(limiter.IsLockedOut(Address, Id));
        Assert.False(limiter.IsLockedOut(IPAddress.Loopback, Id));

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.False(limiter.IsLockedOut(Address, Id));
        for (var i = 0; i < 5; i++)
        {
            limiter.RecordFailure(Address, Id);
        }

        time.Advance(TimeSpan.FromSeconds(45));
        Assert.True(limiter.IsLockedOut(Address, Id)); // second lockout: 60 s
        time.Advance(TimeSpan.FromSeconds(16));
        Assert.False(limiter.IsLockedOut(Address, Id));
    }

    [Fact]
    public void RecordFailure_SpreadOverMoreThanAMinute_NeverLocksOut()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(time);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(FailureOutcome.Counted, limiter.RecordFailure(Address, Id));
            Assert.False(limiter.IsLockedOut(Address, Id));
            time.Advance(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public void RecordSuccess_ClearsTheCount()
    {
        var limiter = new FailedAuthLimiter(new FakeTimeProvider());
        for (var i = 0; i < 4; i++)
        {
            limiter.RecordFailure(Address, Id);
        }

        limiter.RecordSuccess(Address, Id);

        Assert.Equal(FailureOutcome.Counted, limiter.RecordFailure(Address, Id));
        Assert.False(limiter.IsLockedOut(Address, Id));
    }

    [Fact]
    public void RecordFailure_FromManyAddresses_MemoryStaysBounded()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(time);

        for (var i = 0; i < 30_000; i++)
        {
            limiter.RecordFailure(new IPAddress(BitConverter.GetBytes(i)), "dev-" + i);
            if (i % 5_000 == 0)
            {
                time.Advance(TimeSpan.FromMinutes(2));
            }
        }

        Assert.InRange(limiter.TrackedAddresses, 1, 15_000);
    }

    [Fact]
    public void IsLockedOut_Ipv4MappedAddress_SameAsIpv4()
    {
        var limiter = new FailedAuthLimiter(new FakeTimeProvider());
        for (var i = 0; i < FailedAuthLimiter.MaxFailures; i++)
        {
            limiter.RecordFailure(Address.MapToIPv6(), Id);
        }

        Assert.True(limiter.IsLockedOut(Address, Id));
    }

    [Fact]
    public void RecordFailure_OneIdLockedOut_OtherIdsFromTheSameAddressAreNot()
    {
        var limiter = new FailedAuthLimiter(new FakeTimeProvider());
        for (var i = 0; i < Attempts; i++)
        {
            limiter.RecordFailure(Address, Id);
        }

        Assert.True(limiter.IsLockedOut(Address, Id));
        Assert.False(limiter.IsLockedOut(Address, "esp32-08"));
        Assert.False(limiter.IsLockedOut(IPAddress.Loopback, Id));
        Assert.False(limiter.IsGloballyThrottled);
    }

    [Fact]
    public void RecordFailure_GlobalCapWithinAMinute_ThrottlesUntilTheMinuteEnds()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(time);

        for (var i = 1; i < FailedAuthLimiter.MaxGlobalFailures; i++)
        {
            Assert.Equal(FailureOutcome.Counted, limiter.RecordFailure(Address, "guess-" + i));
        }

        Assert.False(limiter.IsGloballyThrottled);
        Assert.Equal(FailureOutcome.GlobalCapReached, limiter.RecordFailure(Address, "guess-0"));
        Assert.True(limiter.IsGloballyThrottled);
        Assert.False(limiter.IsLockedOut(Address, "guess-1"));
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(limiter.IsGloballyThrottled);
    }
}
