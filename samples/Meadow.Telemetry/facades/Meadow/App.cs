// Facade (declaration only) of the Meadow package (WildernessLabs/Meadow.Core, assembly Meadow), declared from
// source/Meadow.Core/Bases/App.cs, App_D.cs and MeadowOS.FileSystem.cs (develop) and the Meadow API reference. Bodies throw null.

namespace Meadow;

public abstract class App<D> : AppBase
    where D : class, IMeadowDevice
{
    public App() => throw null!;

    public static D Device
    {
        get => throw null!;
        protected set => throw null!;
    }
}
