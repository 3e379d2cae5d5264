using System.Runtime.InteropServices;

namespace Edge.Storage.Interop;

/// <summary>
/// The libc calls .NET has no managed API for. DllImport rather than LibraryImport: netstandard2.1 (Meadow F7) has no
/// source-generated marshalling, and one declaration serves both targets.
/// </summary>
internal static class LibC
{
    private const string Library = "libc";

    [DllImport(Library, EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport(Library, EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int FSync(int fd);

    [DllImport(Library, EntryPoint = "fdatasync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int FDataSync(int fd);

    [DllImport(Library, EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Close(int fd);

    /// <summary>errno of the last call above (SetLastError = true).</summary>
    public static int LastError()
    {
#if NET6_0_OR_GREATER
        return Marshal.GetLastPInvokeError();
#else
        return Marshal.GetLastWin32Error();
#endif
    }
}
