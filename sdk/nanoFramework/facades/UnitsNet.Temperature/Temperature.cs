// Facade (declaration only) of UnitsNet.nanoFramework.Temperature 5.75.0, assembly UnitsNet.Temperature,
// declared from the upstream API at github.com/angularsen/UnitsNet (UnitsNet.NanoFramework/GeneratedCode/Quantities/Temperature.g.cs). Never deployed: bodies throw null.

namespace UnitsNet;

public struct Temperature
{
#pragma warning disable CS0169 // Declared like upstream's private state: a struct's fields belong to its shape.
    private readonly double _value;
#pragma warning restore CS0169

    public double Value => throw null;

    public double DegreesCelsius => throw null;

    public static Temperature FromDegreesCelsius(double degreescelsius) => throw null;

    public double Kelvins => throw null;

    public static Temperature FromKelvins(double kelvins) => throw null;
}
