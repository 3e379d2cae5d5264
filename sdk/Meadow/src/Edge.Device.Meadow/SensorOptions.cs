namespace Edge.Device.Meadow;

/// <summary>Per-sensor filtering. Defaults record every reading.</summary>
public sealed class SensorOptions
{
    /// <summary>
    /// Deadband in the sensor's unit: a reading is recorded only when it differs from the last recorded one by
    /// at least this much (the first reading is always recorded; NaN never equals anything). Default 0 (every reading).
    /// </summary>
    public double Deadband { get; set; }

    /// <summary>
    /// Heartbeat: a reading inside the deadband is still recorded when this long has passed since the last
    /// recorded one. Default <see cref="TimeSpan.Zero"/> (off).
    /// </summary>
    public TimeSpan MaxSilence { get; set; } = TimeSpan.Zero;
}
