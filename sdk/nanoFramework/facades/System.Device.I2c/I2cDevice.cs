// Facade (declaration only) of nanoFramework.System.Device.I2c 1.1.29, assembly System.Device.I2c,
// declared from the upstream API at github.com/nanoframework/System.Device.I2c. Never deployed: bodies throw null.

namespace System.Device.I2c;

public class I2cDevice : IDisposable
{
    public I2cDevice(I2cConnectionSettings settings) => throw null;

    public I2cConnectionSettings ConnectionSettings => throw null;

    public static I2cDevice Create(I2cConnectionSettings settings) => throw null;

    public byte ReadByte() => throw null;

    public void Dispose() => throw null;
}
