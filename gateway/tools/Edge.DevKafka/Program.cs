using System.CommandLine;
using System.Globalization;
using Edge.DevKafka;
using Edge.Gateway.DevKafka;

// Edge.DevKafka: a development Kafka (librdkafka mock cluster) in its own process.
// stdout line 1: "bootstrap: HOST:PORT,...". Then one command per stdin line, each answered "ok" or "error: ...":
//   down N | up N | alldown | allup | rtt N MS | topic NAME PARTITIONS | errors APIKEY CODE...
// Logs go to stderr. Exits when stdin closes (a killed parent never leaves it running) or on SIGTERM/SIGINT.
var brokersOption = new Option<int>("--brokers")
{
    Description = "Number of brokers (ids 1..N)",
    DefaultValueFactory = _ => 3,
};
var topicOption = new Option<string[]>("--topic")
{
    Description = $"Topic to create, NAME or NAME:PARTITIONS (default {ToolCommands.DefaultPartitions} partitions, min(3, brokers) replicas); repeatable",
};
var ignoreStdinOption = new Option<bool>("--ignore-stdin")
{
    Description = "Do not read commands and keep running when stdin closes (stop with SIGTERM)",
};
var root = new RootCommand("Development Kafka: librdkafka's mock cluster, real Kafka protocol, in memory")
{
    brokersOption, topicOption, ignoreStdinOption,
};
root.SetAction(async (parse, cancellation) =>
{
    var brokers = parse.GetValue(brokersOption);
    if (brokers < 1)
    {
        await Console.Error.WriteLineAsync("Edge.DevKafka: --brokers must be at least 1");
        return 2;
    }

    using var cluster = MockKafkaCluster.Start(brokers);
    var commands = new ToolCommands(cluster);
    foreach (var spec in parse.GetValue(topicOption) ?? [])
    {
        var parts = spec.Split(':');
        var partitions = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : ToolCommands.DefaultPartitions;
        cluster.CreateTopic(parts[0], partitions, Math.Min(3, brokers));
        await Console.Error.WriteLineAsync($"Edge.DevKafka: topic {parts[0]} ({partitions} partitions)");
    }

    Console.Out.WriteLine("bootstrap: " + cluster.BootstrapServers);
    Console.Out.Flush();
    await Console.Error.WriteLineAsync($"Edge.DevKafka: {brokers} broker(s) on {cluster.BootstrapServers}, pid {Environment.ProcessId}, librdkafka {NativeLibrdkafka.LoadedPath}");

    var stdin = parse.GetValue(ignoreStdinOption) ? Task.Delay(Timeout.Infinite, cancellation) : Task.Run(commands.Serve, CancellationToken.None);
    await Task.WhenAny(stdin, Task.Delay(Timeout.Infinite, cancellation));
    await Console.Error.WriteLineAsync(cancellation.IsCancellationRequested ? "Edge.DevKafka: stopping (signal)" : "Edge.DevKafka: stopping (stdin closed)");
    return 0;
});
return await root.Parse(args).InvokeAsync();
