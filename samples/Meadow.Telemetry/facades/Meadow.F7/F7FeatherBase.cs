// Facade (declaration only) of the Meadow.F7 package (WildernessLabs/Meadow.Core source/implementations/f7, assembly
// Meadow.F7), declared from the Meadow API reference (Meadow.Devices). Hierarchy shortened to what the app needs. Bodies throw null.

namespace Meadow.Devices;

public abstract class F7FeatherBase : F7MicroBase
{
}
