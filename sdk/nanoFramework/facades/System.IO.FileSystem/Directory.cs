// Facade (declaration only) of nanoFramework.System.IO.FileSystem 1.1.87, assembly System.IO.FileSystem,
// declared from the upstream API at github.com/nanoframework/System.IO.FileSystem. Never deployed: bodies throw null.

namespace System.IO;

public static class Directory
{
    public static void CreateDirectory(string path) => throw null;

    public static void Delete(string path, bool recursive = false) => throw null;

    public static bool Exists(string path) => throw null;

    public static void Move(string sourcePath, string destinationPath) => throw null;

    public static string[] GetFiles(string path) => throw null;

    public static string[] GetDirectories(string path) => throw null;

    public static DateTime GetLastWriteTime(string path) => throw null;
}
