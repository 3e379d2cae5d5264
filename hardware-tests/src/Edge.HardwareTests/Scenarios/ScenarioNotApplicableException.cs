namespace Edge.HardwareTests.Scenarios;

/// <summary>The bench lacks what a scenario needs (e.g. no command to stop Kafka); the runner reports it as skipped.</summary>
internal sealed class ScenarioNotApplicableException(string message) : Exception(message);
