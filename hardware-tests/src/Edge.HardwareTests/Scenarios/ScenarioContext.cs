using Edge.HardwareTests.Bench;
using Edge.HardwareTests.Soak;

namespace Edge.HardwareTests.Scenarios;

/// <summary>
/// What a scenario runs against: a simulated site (fleet, proxy, gateway child process, mock Kafka in this
/// process) or a real-board bench (<see cref="Bench"/>), and how big (quick or soak).
/// </summary>
internal sealed class ScenarioContext
{
    /// <summary>The bench configuration; null for simulated mode.</summary>
    public BenchConfig? Bench { get; init; }

    public bool IsSimulated => Bench is null;

    /// <summary>Soak mode: <see cref="SoakDuration"/> replaces each scenario's recording time, <see cref="SoakDevices"/> its device count.</summary>
    public bool Soak { get; init; }

    public TimeSpan SoakDuration { get; init; } = TimeSpan.FromHours(2);

    public int SoakDevices { get; init; } = 500;

    /// <summary>
    /// Soak, simulated: the gateway's RSS, managed heap and file descriptors are sampled from its /metrics while the
    /// devices record, and a slope after the warm-up above these limits fails the scenario (issue 18).
    /// </summary>
    public SoakLimits Memory { get; init; } = new();

    /// <summary>Progress and diagnostics.</summary>
    public Action<string> Log { get; init; } = _ => { };

    public CancellationToken CancellationToken { get; init; }

    /// <summary>The recording time of a phase: the quick value, or the soak duration.</summary>
    public TimeSpan Duration(TimeSpan quick) => Soak ? SoakDuration : quick;

    /// <summary>The device count: the quick value, or the soak count (never fewer than quick).</summary>
    public int Devices(int quick) => Soak ? Math.Max(quick, SoakDevices) : quick;

    public Task<Site> OpenSiteAsync(SiteOptions options) => Site.OpenAsync(this, options);
}
