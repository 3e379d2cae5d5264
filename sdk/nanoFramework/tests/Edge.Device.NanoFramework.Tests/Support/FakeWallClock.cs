namespace Edge.Device.NanoFramework.Tests.Support;

internal sealed class FakeWallClock : IWallClock
{
    public bool IsSet { get; set; }

    public double UnixSeconds { get; set; }
}
