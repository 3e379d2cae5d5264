using Edge.Gateway.Fuzz;
using SharpFuzz;

// Usage (see ../README.md):
//   Edge.Gateway.Fuzz [--no-frame-guard] [--findings-log FILE] [--data DIR]   under afl-fuzz (SharpFuzz out-of-process fork server)
//   Edge.Gateway.Fuzz --libfuzzer                                  under libfuzzer-dotnet
//   Edge.Gateway.Fuzz --write-corpus DIR [--valid-only]            writes the seeds
// One harness (one broker, one log) for the whole run; each input is one connection. An input the oracle refuses
// throws out of the fuzz action, which SharpFuzz reports to afl-fuzz as a crash; a process that dies (FailFast, stack
// overflow, the harness's own 10 s hang limit exceeded by afl's -t) is a crash too, and the fork server starts another.
if (args is ["--write-corpus", var directory, .. var rest])
{
    IngestCorpus.WriteTo(directory, rest.Contains("--valid-only") ? IngestCorpus.Valid : IngestCorpus.Seeds);
    return;
}

var frameGuard = !args.Contains("--no-frame-guard");
var findings = Option("--findings-log"); // the oracle's message for each finding, appended
var data = Option("--data"); // where the durable log goes (default: the temp directory)
if (args.Contains("--libfuzzer"))
{
    await using var harness = await IngestHarness.StartAsync(frameGuard, data);
    Fuzzer.LibFuzzer.Run(span => harness.RunAsync(span.ToArray()).GetAwaiter().GetResult());
    return;
}

// Started on the first input, in the fork server's child: the parent only relays to afl-fuzz and restarts the child.
IngestHarness? started = null;
Fuzzer.OutOfProcess.Run(stream =>
{
    started ??= IngestHarness.StartAsync(frameGuard, data).GetAwaiter().GetResult();
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    try
    {
        started.RunAsync(memory.ToArray()).GetAwaiter().GetResult();
    }
    catch (Exception e) when (findings is not null)
    {
        File.AppendAllText(findings, $"{DateTime.UtcNow:O} input {started.Inputs}: {e.GetType().Name}: {e.Message}{Environment.NewLine}");
        throw;
    }
});

string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
