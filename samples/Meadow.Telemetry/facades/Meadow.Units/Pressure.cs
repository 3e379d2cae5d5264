// Facade (declaration only) of the Meadow.Units package (assembly Meadow.Units), declared from the Meadow API
// reference (developer.wildernesslabs.co, /docs/api/Meadow.Units) and WildernessLabs/Meadow.Units. Bodies throw null.

namespace Meadow.Units;

public struct Pressure
{
    public double Pascal => throw null!;
}
