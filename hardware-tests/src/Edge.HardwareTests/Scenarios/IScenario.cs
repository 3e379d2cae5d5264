namespace Edge.HardwareTests.Scenarios;

/// <summary>One field condition, run the same way against a simulated site or a real bench.</summary>
internal interface IScenario
{
    /// <summary>Short name used on the command line and in the summary line.</summary>
    string Name { get; }

    /// <summary>What passing proves, for the README and --list.</summary>
    string Proves { get; }

    Task<ScenarioResult> RunAsync(ScenarioContext context);
}
