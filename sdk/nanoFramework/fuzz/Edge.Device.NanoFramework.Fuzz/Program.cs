using Edge.Device.NanoFramework.Fuzz;
using SharpFuzz;

// Usage (see README.md):  Edge.Device.NanoFramework.Fuzz mqtt|senml [--libfuzzer]
var target = args.Length > 0 ? args[0] : "mqtt";
Action<byte[]> run = target == "senml" ? FuzzTargets.ParseSenml : FuzzTargets.ParseMqtt;
if (args.Contains("--libfuzzer"))
{
    Fuzzer.LibFuzzer.Run(span => run(span.ToArray()));
}
else
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        run(memory.ToArray());
    });
}
