// Facade (declaration only) of nanoFramework.System.IO.FileSystem 1.1.87, assembly System.IO.FileSystem,
// declared from the upstream API at github.com/nanoframework/System.IO.FileSystem. Never deployed: bodies throw null.

namespace System.IO;

[Flags]
public enum FileAttributes
{
    ReadOnly = 0x0001,
    Hidden = 0x0002,
    System = 0x0004,
    Directory = 0x0010,
    Archive = 0x0020,
}
