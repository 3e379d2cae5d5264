using Edge.HardwareTests.Scenarios;

namespace Edge.HardwareTests.Tests;

/// <summary>Runs one scenario in simulated mode, prints its summary line to the test log and asserts it passed.</summary>
internal static class ScenarioRun
{
    public static async Task AssertPassesAsync(IScenario scenario)
    {
        var context = new ScenarioContext
        {
            Log = line => TestContext.Current.SendDiagnosticMessage($"[{scenario.Name}] {line}"),
            CancellationToken = TestContext.Current.CancellationToken,
        };
        var result = await scenario.RunAsync(context);
        TestContext.Current.SendDiagnosticMessage(result.SummaryLine);
        Console.WriteLine(result.SummaryLine);
        TestContext.Current.TestOutputHelper?.WriteLine(result.Details);
        Assert.True(result.Passed, result.Details);
    }
}
