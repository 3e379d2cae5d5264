// Facade (declaration only) of UnitsNet.nanoFramework.RelativeHumidity 5.75.0, assembly UnitsNet.RelativeHumidity,
// declared from the upstream API at github.com/angularsen/UnitsNet (UnitsNet.NanoFramework/GeneratedCode/Quantities/RelativeHumidity.g.cs). Never deployed: bodies throw null.

namespace UnitsNet;

public struct RelativeHumidity
{
#pragma warning disable CS0169 // Declared like upstream's private state: a struct's fields belong to its shape.
    private readonly double _value;
#pragma warning restore CS0169

    public double Value => throw null;

    public double Percent => throw null;

    public static RelativeHumidity FromPercent(double percent) => throw null;
}
