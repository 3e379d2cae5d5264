using System;
using System.Threading;
using Edge.Device.NanoFramework;
using Edge.Protocol.Commands;
using Edge.Protocol.State;

namespace Esp32.Telemetry;

/// <summary>
/// The app without the hardware: measures the climate sensor on an interval and reports three readings
/// through the Edge SDK, which batches them, queues them through Wi-Fi outages and acks commands. The measurement
/// interval is set by the "interval" command or by the desired state (document = the interval in ms, e.g. Kafka
/// value <c>5000</c> on edge.desired).
/// Compiled in the nanoFramework compat build (Esp32.Telemetry.csproj) and in the SDK's host tests.
/// </summary>
public sealed class TelemetryApp : IDisposable
{
    private readonly TelemetryRuntime _runtime;
    private readonly IClimateSensor _sensor;
    private readonly int _temperature;
    private readonly int _humidity;
    private readonly int _pressure;
    private int _interval = Settings.MeasureIntervalMilliseconds;

    /// <summary>Creates the app over a channel to the gateway (TcpChannel on the board).</summary>
    public TelemetryApp(IMqttChannel channel, IClimateSensor sensor, TelemetryOptions options)
        : this(new IMqttChannel[] { channel }, sensor, options)
    {
    }

    /// <summary>
    /// Creates the app over one channel per gateway of the site, in the order to try (<c>TcpChannel.ForGateways</c> on the
    /// board): the SDK fails over between them and sticks to the last good one.
    /// </summary>
    public TelemetryApp(IMqttChannel[] gateways, IClimateSensor sensor, TelemetryOptions options)
    {
        _sensor = sensor;
        _runtime = new TelemetryRuntime(gateways, options);
        // Push-mode sensors: one BME280 measurement yields all three, reported together.
        _temperature = _runtime.AddSensor("temperature", "Cel", null, 0, 0.1);
        _humidity = _runtime.AddSensor("humidity", "%RH", null, 0, 0.5);
        _pressure = _runtime.AddSensor("pressure", "Pa", null, 0, 10);
        _runtime.OnCommand("interval", SetInterval);
        _runtime.OnDesiredState(ApplyDesired);
    }

    /// <summary>The SDK runtime (connection state and counters, for diagnostics).</summary>
    public TelemetryRuntime Runtime => _runtime;

    /// <summary>Current measurement interval in milliseconds (changed by the "interval" command or the desired state).</summary>
    public int IntervalMilliseconds => _interval;

    /// <summary>Starts MQTT and the SDK's runtime thread.</summary>
    public void Start() => _runtime.Start();

    /// <summary>
    /// The board clock in words, for the log after <see cref="Start"/> (which asks the time server before connecting):
    /// set from the gateway's SNTP, already set, or not set yet and why (the SDK asks again every 60 s).
    /// </summary>
    public string ClockStatus()
    {
        var sntp = _runtime.TimeServerClock;
        if (sntp == null)
        {
            return "no time server configured: the clock is what the firmware set (" + DateTime.UtcNow.ToString() + " UTC)";
        }

        if (sntp.SystemClockSets > 0)
        {
            return "clock set from the gateway's SNTP: " + DateTime.UtcNow.ToString() + " UTC";
        }

        if (sntp.SystemClockRefusals > 0)
        {
            return "the target refused to set its clock; readings use the gateway's time, TLS sees " + DateTime.UtcNow.ToString();
        }

        return sntp.IsSet
            ? "clock already right (" + DateTime.UtcNow.ToString() + " UTC): not set"
            : "clock not set yet (" + sntp.LastError + "): asking again every 60 s";
    }

    /// <summary>Measures once and reports the three readings.</summary>
    public void MeasureOnce()
    {
        if (_sensor.Measure())
        {
            _runtime.Report(_temperature, _sensor.TemperatureCelsius);
            _runtime.Report(_humidity, _sensor.HumidityPercent);
            _runtime.Report(_pressure, _sensor.PressurePascals);
        }
    }

    /// <summary>Measures forever (the board's main loop).</summary>
    public void Run()
    {
        while (true)
        {
            MeasureOnce();
            Thread.Sleep(_interval);
        }
    }

    /// <summary>Publishes what is batched, says "offline" and disconnects cleanly.</summary>
    public void Dispose() => _runtime.Dispose();

    // Command "interval" with args = CBOR unsigned integer milliseconds, e.g. 0x19 0x13 0x88 for 5000.
    private bool SetInterval(string name, EdgeCommand command, out string? message)
    {
        if (TrySetInterval(command.GetArgs()))
        {
            message = "interval set";
            return true;
        }

        message = "args: an unsigned 16-bit CBOR integer of at least 1000 ms";
        return false;
    }

    // Desired state: the document is the interval in ms, as for the command. Reported by the SDK when applied.
    private bool ApplyDesired(EdgeState state) => TrySetInterval(state.GetDocument());

    private bool TrySetInterval(byte[] cbor)
    {
        if (cbor.Length == 3 && cbor[0] == 0x19)
        {
            var value = (cbor[1] << 8) | cbor[2];
            if (value >= 1_000)
            {
                _interval = value;
                return true;
            }
        }

        return false;
    }
}
