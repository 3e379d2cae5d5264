using Edge.Gateway.Hosting;

namespace Edge.Gateway.Tests.Hosting;

/// <summary>The gateway's cap on glibc malloc arenas (issue 18: native memory that stays flat in a soak).</summary>
public sealed class MallocArenaLimitTests
{
    [Fact]
    public void Apply_OnGlibcWithoutOperatorSetting_AcceptedByMallopt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "glibc's mallopt is Linux only");
        var operatorSet = Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 } || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is { Length: > 0 };

        // mallopt returns 0 for a parameter it does not know: a wrong M_ARENA_MAX (or a missing libc) fails here.
        Assert.Equal(!operatorSet, MallocArenaLimit.Apply());
    }
}
