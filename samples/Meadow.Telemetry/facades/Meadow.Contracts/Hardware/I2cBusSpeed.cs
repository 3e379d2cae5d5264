// Facade (declaration only) of the Meadow.Contracts package (assembly Meadow.Contracts), declared from the Meadow API
// reference (developer.wildernesslabs.co, /docs/api/Meadow) and WildernessLabs/Meadow.Contracts (develop). Bodies throw null.

namespace Meadow.Hardware;

public enum I2cBusSpeed
{
    Standard = 100000,
    Fast = 400000,
    FastPlus = 1000000,
}
