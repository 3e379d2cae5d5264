using System.Net;
using Edge.Gateway.Security;
using Microsoft.Extensions.Time.Testing;

namespace Edge.Gateway.Tests.Security;

public sealed class FailedAuthLimiterTests
{
    /// <summary>More attempts than a lockout takes.</summary>
    internal const int Attempts = FailedAuthLimiter.MaxFailures + 2;

    private static readonly IPAddress Address = IPAddress.Parse("192.0.2.7");

    [Fact]
    public void RecordFailure_FifthFailureWithinAMinute_LocksOutFor30SecondsThenDoubles()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(time);

        for (var i = 0; i < 4; i++)
        {
            Assert.False(limiter.RecordFailure(Address));
        }

        Assert.False(limiter.IsLockedOut(Address));
        Assert.True(limiter.RecordFailure(Address));
        Assert.True(limiter.IsLockedOut(Address));
        Assert.False(limiter.IsLockedOut(IPAddress.Loopback));

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.False(limiter.IsLockedOut(Address));
        for (var i = 0; i < 5; i++)
        {
            limiter.RecordFailure(Address);
        }

        time.Advance(TimeSpan.FromSeconds(45));
        Assert.True(limiter.IsLockedOut(Address)); // second lockout: 60 s
        time.Advance(TimeSpan.FromSeconds(16));
        Assert.False(limiter.IsLockedOut(Address));
    }

    [Fact]
    public void RecordFailure_SpreadOverMoreThanAMinute_NeverLocksOut()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(time);

        for (var i = 0; i < 20; i++)
        {
            Assert.False(limiter.RecordFailure(Address));
            Assert.False(limiter.IsLockedOut(Address));
            time.Advance(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public void RecordSuccess_ClearsTheCount()
    {
        var limiter = new FailedAuthLimiter(new FakeTimeProvider());
        for (var i = 0; i < 4; i++)
        {
            limiter.RecordFailure(Address);
        }

        limiter.RecordSuccess(Address);

        Assert.False(limiter.RecordFailure(Address));
        Assert.False(limiter.IsLockedOut(Address));
    }

    [Fact]
    public void RecordFailure_FromManyAddresses_MemoryStaysBounded()
    {
        var time = new FakeTimeProvider();
        var limiter = new FailedAuthLimiter(time);

        for (var i = 0; i < 30_000; i++)
        {
            limiter.RecordFailure(new IPAddress(BitConverter.GetBytes(i)));
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
            limiter.RecordFailure(Address.MapToIPv6());
        }

        Assert.True(limiter.IsLockedOut(Address));
    }
}
