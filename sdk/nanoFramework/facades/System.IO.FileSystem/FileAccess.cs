// Facade (declaration only) of nanoFramework.System.IO.FileSystem 1.1.87, assembly System.IO.FileSystem,
// declared from the upstream API at github.com/nanoframework/System.IO.FileSystem. Never deployed: bodies throw null.

namespace System.IO;

[Flags]
public enum FileAccess
{
    Read = 1,
    Write = 2,
    ReadWrite = 3,
}
