// Facade (declaration only) of nanoFramework.System.Device.I2c 1.1.29, assembly System.Device.I2c,
// declared from the upstream API at github.com/nanoframework/System.Device.I2c. Never deployed: bodies throw null.

namespace System.Device.I2c;

public sealed class I2cConnectionSettings
{
    public I2cConnectionSettings(int busId, int deviceAddress) => throw null;

    public int BusId => throw null;

    public int DeviceAddress => throw null;
}
