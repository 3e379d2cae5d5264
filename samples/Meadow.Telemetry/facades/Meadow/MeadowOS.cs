// Facade (declaration only) of the Meadow package (WildernessLabs/Meadow.Core, assembly Meadow), declared from
// source/Meadow.Core/Bases/App.cs, App_D.cs and MeadowOS.FileSystem.cs (develop) and the Meadow API reference. Bodies throw null.

namespace Meadow;

public static partial class MeadowOS
{
    public static class FileSystem
    {
        public static string DataDirectory => throw null!;
    }
}
