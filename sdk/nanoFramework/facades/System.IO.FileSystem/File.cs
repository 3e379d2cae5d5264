// Facade (declaration only) of nanoFramework.System.IO.FileSystem 1.1.87, assembly System.IO.FileSystem,
// declared from the upstream API at github.com/nanoframework/System.IO.FileSystem. Never deployed: bodies throw null.

namespace System.IO;

public static class File
{
    public static void Copy(string sourceFileName, string destFileName) => throw null;

    public static void Copy(string sourceFileName, string destFileName, bool overwrite) => throw null;

    public static FileStream Create(string path) => throw null;

    public static void Delete(string path) => throw null;

    public static bool Exists(string path) => throw null;

    public static void Move(string sourceFileName, string destFileName) => throw null;

    public static FileAttributes GetAttributes(string path) => throw null;

    public static void SetAttributes(string path, FileAttributes fileAttributes) => throw null;
}
