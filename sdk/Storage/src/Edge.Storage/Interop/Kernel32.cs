using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Edge.Storage.Interop;

/// <summary>Windows' flush of a file's data and metadata (what fsync is on POSIX).</summary>
internal static class Kernel32
{
    [DllImport("kernel32.dll", EntryPoint = "FlushFileBuffers", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool FlushFileBuffers(SafeFileHandle handle);
}
