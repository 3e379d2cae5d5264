// Facade (declaration only) of the Meadow package (WildernessLabs/Meadow.Core, assembly Meadow), declared from
// source/Meadow.Core/Bases/App.cs, App_D.cs and MeadowOS.FileSystem.cs (develop) and the Meadow API reference. Bodies throw null.

using System.Threading.Tasks;

namespace Meadow;

public interface IApp
{
    Task Initialize();

    Task Run();
}
