using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Edge.Testing;

/// <summary>POSIX signals for child processes (Process.Kill sends SIGKILL; graceful stops need SIGTERM).</summary>
public static partial class Signal
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM to the process.</summary>
    public static void Terminate(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        _ = Kill(process.Id, SigTerm);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
