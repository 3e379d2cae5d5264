using Edge.Protocol.Senml;

namespace Edge.Bench.Device;

/// <summary>A typical board's readings: five sensors, sampled over time; the same values for every encoding.</summary>
internal static class Reading
{
    public const string DeviceId = "esp32-01";
    public const string Topic = "edge/v1/esp32-01/telemetry";
    public const double BaseTime = 1_764_052_800.25;

    private static readonly SenmlName[] Names =
    [
        new("temperature", "Cel"), new("humidity", "%RH"), new("pressure", "Pa"), new("battery", "V"), new("co2", "ppm"),
    ];

    private static readonly double[] Values = [21.37, 48.2, 101_325.5, 3.71, 612];

    /// <summary>Reading <paramref name="i"/>: sensor i mod 5, sampled at a 10 s step.</summary>
    public static (SenmlName Name, double Value, double Time) Get(int i)
        => (Names[i % Names.Length], Values[i % Values.Length] + (i / Names.Length * 0.01), i / Names.Length * 10.0);

    /// <summary>Encodes <paramref name="count"/> readings as one SenML-CBOR pack (the device path); returns its length.</summary>
    public static int EncodeCbor(SenmlEncoder encoder, byte[] buffer, int count, uint sequence)
    {
        encoder.Begin(buffer, 0, buffer.Length, BaseTime, 0x5EED, sequence);
        for (var i = 0; i < count; i++)
        {
            var (name, value, time) = Get(i);
            encoder.TryAddNumber(name, value, time);
        }

        return encoder.Finish();
    }
}
