namespace Edge.Gateway.Diagnostics;

/// <summary>
/// How long the status page and metrics remember client ids that are not provisioned (anonymous clients):
/// at most <paramref name="MaxUnprovisioned"/>, each forgotten once disconnected with nothing waiting for Kafka for
/// <paramref name="Idle"/>. <paramref name="ProvisionedIds"/> returns the ids in devices.json (always remembered).
/// </summary>
internal sealed record DeviceRetention(int MaxUnprovisioned, TimeSpan Idle, Func<IEnumerable<string>> ProvisionedIds)
{
    /// <summary>The defaults of <c>Mqtt:MaxUnprovisionedDevices</c> and <c>Mqtt:UnprovisionedDeviceIdleSeconds</c>, with no provisioned ids.</summary>
    public static DeviceRetention Default { get; } = new(1000, TimeSpan.FromMinutes(15), () => []);
}
