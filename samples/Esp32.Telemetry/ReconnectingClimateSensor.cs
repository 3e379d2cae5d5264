using System;
using System.Diagnostics;

namespace Esp32.Telemetry;

/// <summary>
/// The climate sensor as a board meets it: uses the first I2C address that answers (the BME280's 0x77, then 0x76
/// when SDO is tied low). When none answers (sensor missing, loose wire) or the sensor fails later, it says so
/// (<see cref="IsPresent"/>, <see cref="MissedMeasurements"/>, a debug line) and probes again at the next
/// measurement: <see cref="Measure"/> never throws, so a missing sensor never stops the app or its queue.
/// Probing allocates (a driver per attempt) only while the sensor is missing. Not thread-safe: one measuring thread.
/// </summary>
public sealed class ReconnectingClimateSensor : IClimateSensor
{
    private readonly IClimateSensorOpener _opener;
    private readonly int[] _addresses;
    private IClimateSensor? _sensor;
    private bool _reportedMissing;

    /// <summary>Probes <paramref name="addresses"/> in order through <paramref name="opener"/>.</summary>
    public ReconnectingClimateSensor(IClimateSensorOpener opener, int[] addresses)
    {
        _opener = opener ?? throw new ArgumentNullException(nameof(opener));
        _addresses = addresses ?? throw new ArgumentNullException(nameof(addresses));
    }

    /// <summary>True while a sensor answers.</summary>
    public bool IsPresent => _sensor != null;

    /// <summary>The I2C address of the sensor in use, or -1 when none answers.</summary>
    public int Address { get; private set; } = -1;

    /// <summary>Measurements that produced no reading (sensor missing or failing).</summary>
    public int MissedMeasurements { get; private set; }

    /// <inheritdoc />
    public double TemperatureCelsius => _sensor == null ? double.NaN : _sensor.TemperatureCelsius;

    /// <inheritdoc />
    public double HumidityPercent => _sensor == null ? double.NaN : _sensor.HumidityPercent;

    /// <inheritdoc />
    public double PressurePascals => _sensor == null ? double.NaN : _sensor.PressurePascals;

    /// <inheritdoc />
    public bool Measure()
    {
        if (_sensor == null && !TryOpen())
        {
            MissedMeasurements++;
            return false;
        }

        try
        {
            if (_sensor!.Measure())
            {
                return true;
            }
        }
#pragma warning disable CA1031 // A failing sensor must not end the app: any driver or bus failure means "probe again".
        catch (Exception e)
#pragma warning restore CA1031
        {
            Debug.WriteLine("climate sensor at I2C 0x" + Hex(Address) + " failed (" + e.Message + "); probing again");
            Drop();
        }

        MissedMeasurements++;
        return false;
    }

    private bool TryOpen()
    {
        for (var i = 0; i < _addresses.Length; i++)
        {
            try
            {
                _sensor = _opener.Open(_addresses[i]);
                Address = _addresses[i];
                _reportedMissing = false;
                Debug.WriteLine("climate sensor found at I2C 0x" + Hex(Address));
                return true;
            }
#pragma warning disable CA1031 // Nothing at this address (IOException from the driver) or a bus fault: try the next.
            catch (Exception)
#pragma warning restore CA1031
            {
                _sensor = null;
            }
        }

        if (!_reportedMissing)
        {
            _reportedMissing = true;
            Debug.WriteLine("no climate sensor answers; measuring resumes when one does");
        }

        return false;
    }

    private void Drop()
    {
        if (_sensor is IDisposable disposable)
        {
            disposable.Dispose();
        }

        _sensor = null;
        Address = -1;
    }

    private static string Hex(int value)
    {
        const string Digits = "0123456789ABCDEF";
        return value < 0 ? "--" : new string(new[] { Digits[(value >> 4) & 0xF], Digits[value & 0xF] });
    }
}
