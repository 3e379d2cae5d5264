// Facade (declaration only) of the Meadow.Contracts package (assembly Meadow.Contracts), declared from the Meadow API
// reference (developer.wildernesslabs.co, /docs/api/Meadow) and WildernessLabs/Meadow.Contracts (develop). Bodies throw null.

using System.Threading.Tasks;

namespace Meadow.Peripherals.Sensors;

public interface ISensor
{
}

public interface ISensor<UNIT> : ISensor
    where UNIT : struct
{
    Task<UNIT> Read();
}
