using Edge.HardwareTests.Scenarios;

namespace Edge.HardwareTests.Tests;

/// <summary>Runs one scenario (in simulated mode unless given a context), prints its summary line to the test log and asserts it passed.</summary>
internal static class ScenarioRun
{
    public static Task AssertPassesAsync(IScenario scenario) => AssertPassesAsync(scenario, new ScenarioContext
    {
        Log = line => TestContext.Current.SendDiagnosticMessage($"[{scenario.Name}] {line}"),
        CancellationToken = TestContext.Current.CancellationToken,
    });

    /// <summary>As above, in the given context (a bench, for instance); returns the result for further checks.</summary>
    public static async Task<ScenarioResult> AssertPassesAsync(IScenario scenario, ScenarioContext context)
    {
        var result = await scenario.RunAsync(context);
        TestContext.Current.SendDiagnosticMessage(result.SummaryLine);
        Console.WriteLine(result.SummaryLine);
        TestContext.Current.TestOutputHelper?.WriteLine(result.Details);
        Assert.True(result.Passed, result.Details);
        return result;
    }
}
