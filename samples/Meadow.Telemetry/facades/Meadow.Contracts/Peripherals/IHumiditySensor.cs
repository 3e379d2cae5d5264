// Facade (declaration only) of the Meadow.Contracts package (assembly Meadow.Contracts), declared from the Meadow API
// reference (developer.wildernesslabs.co, /docs/api/Meadow) and WildernessLabs/Meadow.Contracts (develop). Bodies throw null.

using Meadow.Units;

namespace Meadow.Peripherals.Sensors.Atmospheric;

public interface IHumiditySensor : ISamplingSensor<RelativeHumidity>
{
    RelativeHumidity? Humidity { get; }
}
