namespace Edge.Device.NanoFramework;

/// <summary>
/// Reads a sensor once. Return double.NaN when no value is available (the reading is skipped). Called on the
/// runtime thread (or the thread calling <see cref="TelemetryRuntime.Poll"/>); exceptions skip the reading.
/// </summary>
/// <returns>The value in the unit the sensor was registered with.</returns>
public delegate double SensorReader();
