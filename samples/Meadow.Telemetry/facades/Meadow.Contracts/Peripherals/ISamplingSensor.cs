// Facade (declaration only) of the Meadow.Contracts package (assembly Meadow.Contracts), declared from the Meadow API
// reference (developer.wildernesslabs.co, /docs/api/Meadow) and WildernessLabs/Meadow.Contracts (develop). Bodies throw null.

using System;

namespace Meadow.Peripherals.Sensors;

public interface ISamplingSensor
{
    void StartUpdating(TimeSpan? updateInterval = null);

    void StopUpdating();
}

public interface ISamplingSensor<UNIT> : ISensor<UNIT>, ISamplingSensor
    where UNIT : struct
{
    event EventHandler<IChangeResult<UNIT>> Updated;
}
