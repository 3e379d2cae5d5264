using System.Runtime.InteropServices;

namespace Edge.Gateway.Hosting;

/// <summary>
/// Caps glibc's malloc arenas before the host starts its threads. glibc gives threads their own arenas (up to 8 per
/// core) and rarely returns their free pages; with the thread pool growing under a reconnect storm, native memory (the
/// runtime's exception and JIT allocations, librdkafka's buffers) spread over many arenas and RSS crept up by about a
/// megabyte a minute in the 10-minute Wi-Fi-flap soak (docs/benchmarks.md, issue 18). Two arenas is what
/// <c>MALLOC_ARENA_MAX=2</c> gives, the usual setting for .NET services on small Linux machines.
/// </summary>
/// <remarks>
/// An operator's <c>MALLOC_ARENA_MAX</c> (or <c>GLIBC_TUNABLES</c>) in the environment wins: nothing is changed then.
/// On a C library without <c>mallopt</c> (musl returns 0 and ignores it) or on another OS this does nothing.
/// </remarks>
internal static class MallocArenaLimit
{
    /// <summary>The arenas the gateway asks for: one for the main thread and one shared by all others.</summary>
    public const int Arenas = 2;

    private const int ArenaMaxParameter = -8; // M_ARENA_MAX in glibc's malloc.h

    /// <summary>Applies the cap; true when glibc accepted it.</summary>
    public static bool Apply()
    {
        if (!OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is { Length: > 0 })
        {
            return false;
        }

        try
        {
            return MallOpt(ArenaMaxParameter, Arenas) == 1; // glibc returns 1 on success
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport: two ints need no marshalling, and LibraryImport would need AllowUnsafeBlocks for the whole gateway.
    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int parameter, int value);
}
