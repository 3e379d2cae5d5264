// Facade (declaration only) of the Meadow.Contracts package (assembly Meadow.Contracts), declared from the Meadow API
// reference (developer.wildernesslabs.co, /docs/api/Meadow) and WildernessLabs/Meadow.Contracts (develop). Bodies throw null.

using Meadow.Hardware;

namespace Meadow;

public interface IMeadowDevice : II2cController
{
    IPlatformOS PlatformOS { get; }

    IDeviceInformation Information { get; }
}
