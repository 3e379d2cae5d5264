// Facade (declaration only) of UnitsNet.nanoFramework.Pressure 5.75.0, assembly UnitsNet.Pressure,
// declared from the upstream API at github.com/angularsen/UnitsNet (UnitsNet.NanoFramework/GeneratedCode/Quantities/Pressure.g.cs). Never deployed: bodies throw null.

namespace UnitsNet;

public struct Pressure
{
#pragma warning disable CS0169 // Declared like upstream's private state: a struct's fields belong to its shape.
    private readonly double _value;
#pragma warning restore CS0169

    public double Value => throw null;

    public double Pascals => throw null;

    public static Pressure FromPascals(double pascals) => throw null;

    public double Hectopascals => throw null;

    public static Pressure FromHectopascals(double hectopascals) => throw null;
}
