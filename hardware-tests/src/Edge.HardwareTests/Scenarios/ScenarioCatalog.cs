namespace Edge.HardwareTests.Scenarios;

/// <summary>The scenarios: the eight of the hardware-tests issue in its order, then the crash storm of issue 16 and the two gateways of issue 17.</summary>
internal static class ScenarioCatalog
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new SteadyTelemetryScenario(),
        new WifiFlapsScenario(),
        new SlowLinkScenario(),
        new GatewayPowerCutScenario(),
        new KafkaOutageScenario(),
        new DeviceRebootScenario(),
        new LogFullScenario(),
        new PowerReturnScenario(),
        new CrashStormScenario(),
        new TwoGatewaysScenario(),
    ];

    /// <summary>The scenario with this name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such scenario; the message lists the names.</exception>
    public static IScenario Find(string name)
        => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"no scenario '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}");
}
