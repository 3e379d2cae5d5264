using Edge.HardwareTests.Kafka;

namespace Edge.HardwareTests.Scenarios;

/// <summary>The outcome of one scenario run: the delivery report, how long it took and what the fault did.</summary>
internal sealed record ScenarioResult(string Name, DeliveryReport Report, TimeSpan Duration, IReadOnlyList<string> Notes)
{
    /// <summary>The one-line summary: <c>scenario NAME: sent N, delivered N, duplicates D, lost L, reordered R</c>.</summary>
    public string SummaryLine => Report.SummaryLine(Name);

    /// <summary>Nothing promised was lost and nothing was reordered, and the scenario's own checks held.</summary>
    public bool Passed => Report.Passed && Failures.Count == 0;

    /// <summary>Scenario-specific failures (e.g. the fault never happened, nothing was promised).</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    public string Details => string.Join('\n', new[] { $"{SummaryLine} ({Duration.TotalSeconds:0.0} s; promised {Report.Promised})" }
        .Concat(Notes).Concat(Failures.Select(f => "FAILED: " + f)).Concat(Report.Problems.Take(20).Select(p => "  " + p)));
}
