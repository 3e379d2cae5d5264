using System.Globalization;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;

// Usage: Edge.DevKafka [--brokers N] [--topic NAME[:PARTITIONS]]...
// stdout line 1: "bootstrap: HOST:PORT,...". Then one command per stdin line, each answered "ok" or "error: ...":
//   down N | up N | alldown | allup | rtt N MS | topic NAME PARTITIONS | errors APIKEY CODE...
// Exits when stdin closes (a killed parent never leaves it running) or on SIGTERM/SIGINT.
var brokers = 3;
var topics = new List<(string Name, int Partitions)>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--brokers" when i + 1 < args.Length:
            brokers = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--topic" when i + 1 < args.Length:
            var spec = args[++i].Split(':');
            topics.Add((spec[0], spec.Length > 1 ? int.Parse(spec[1], CultureInfo.InvariantCulture) : 3));
            break;
        default:
            await Console.Error.WriteLineAsync($"Edge.DevKafka: unknown argument '{args[i]}'. Usage: Edge.DevKafka [--brokers N] [--topic NAME[:PARTITIONS]]...");
            return 2;
    }
}

using var cluster = MockKafkaCluster.Start(brokers);
foreach (var (name, partitions) in topics)
{
    cluster.CreateTopic(name, partitions, Math.Min(3, brokers));
}

Console.Out.WriteLine("bootstrap: " + cluster.BootstrapServers);
Console.Out.Flush();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

var commands = Task.Run(() =>
{
    string? line;
    while ((line = Console.In.ReadLine()) is not null)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            Execute(cluster, parts);
            Console.Out.WriteLine("ok");
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or InvalidOperationException or ArgumentException)
        {
            Console.Out.WriteLine("error: " + e.Message);
        }

        Console.Out.Flush();
    }
});
await Task.WhenAny(commands, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
return 0;

static void Execute(MockKafkaCluster cluster, string[] parts)
{
    int Int(int index) => int.Parse(parts[index], CultureInfo.InvariantCulture);
    switch (parts.FirstOrDefault())
    {
        case "down": cluster.SetBrokerDown(Int(1)); break;
        case "up": cluster.SetBrokerUp(Int(1)); break;
        case "alldown": cluster.SetAllBrokersDown(); break;
        case "allup": cluster.SetAllBrokersUp(); break;
        case "rtt": cluster.SetRoundTripTime(Int(1), TimeSpan.FromMilliseconds(Int(2))); break;
        case "topic": cluster.CreateTopic(parts[1], Int(2), Math.Min(3, cluster.BrokerCount)); break;
        case "errors": cluster.PushRequestErrors((short)Int(1), [.. parts.Skip(2).Select(p => (ErrorCode)int.Parse(p, CultureInfo.InvariantCulture))]); break;
        default: throw new FormatException($"unknown command '{string.Join(' ', parts)}'");
    }
}
