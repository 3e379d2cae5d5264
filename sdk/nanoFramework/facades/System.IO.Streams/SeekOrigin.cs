// Facade (declaration only) of nanoFramework.System.IO.Streams 1.1.96, assembly System.IO.Streams,
// declared from the upstream API at github.com/nanoframework/System.IO.Streams. Never deployed: bodies throw null.

namespace System.IO;

[Serializable]
public enum SeekOrigin
{
    Begin = 0,
    Current = 1,
    End = 2,
}
