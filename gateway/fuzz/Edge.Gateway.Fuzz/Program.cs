using Edge.Gateway.Fuzz;
using SharpFuzz;

// Usage (see ../README.md):  Edge.Gateway.Fuzz [--libfuzzer] | --write-corpus DIR
// One harness (one broker, one log) for the whole run; each input is one connection.
if (args is ["--write-corpus", var directory])
{
    IngestCorpus.WriteTo(directory);
    return;
}

await using var harness = await IngestHarness.StartAsync();
if (args.Contains("--libfuzzer"))
{
    Fuzzer.LibFuzzer.Run(span => harness.RunAsync(span.ToArray()).GetAwaiter().GetResult());
}
else
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        harness.RunAsync(memory.ToArray()).GetAwaiter().GetResult();
    });
}
