using System.Globalization;
using Confluent.Kafka;
using Edge.Gateway.DevKafka;

namespace Edge.DevKafka;

/// <summary>The stdin command loop: one command per line, each answered "ok" or "error: ..." on stdout.</summary>
internal sealed class ToolCommands(MockKafkaCluster cluster)
{
    public const int DefaultPartitions = 3;

    /// <summary>Serves commands until stdin closes.</summary>
    public void Serve()
    {
        string? line;
        while ((line = Console.In.ReadLine()) is not null)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            string answer;
            try
            {
                Execute(parts);
                answer = "ok";
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or InvalidOperationException or ArgumentException or OverflowException)
            {
                answer = "error: " + e.Message.ReplaceLineEndings(" ");
            }

            Console.Error.WriteLine($"Edge.DevKafka: {line} → {answer}");
            Console.Out.WriteLine(answer);
            Console.Out.Flush();
        }
    }

    private void Execute(string[] parts)
    {
        int Int(int index) => int.Parse(parts[index], CultureInfo.InvariantCulture);
        switch (parts[0])
        {
            case "down": cluster.SetBrokerDown(Int(1)); break;
            case "up": cluster.SetBrokerUp(Int(1)); break;
            case "alldown": cluster.SetAllBrokersDown(); break;
            case "allup": cluster.SetAllBrokersUp(); break;
            case "rtt": cluster.SetRoundTripTime(Int(1), TimeSpan.FromMilliseconds(Int(2))); break;
            case "topic": cluster.CreateTopic(parts[1], Int(2), Math.Min(3, cluster.BrokerCount)); break;
            case "errors":
                cluster.PushRequestErrors(short.Parse(parts[1], CultureInfo.InvariantCulture), [.. parts.Skip(2).Select(p => (ErrorCode)int.Parse(p, CultureInfo.InvariantCulture))]);
                break;
            default: throw new FormatException($"unknown command '{string.Join(' ', parts)}'");
        }
    }
}
