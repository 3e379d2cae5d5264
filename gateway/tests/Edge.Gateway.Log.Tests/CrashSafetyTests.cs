using System.Diagnostics;
using System.Globalization;

namespace Edge.Gateway.Log.Tests;

public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Rounds = 24;

    [Fact]
    public async Task AppendAsync_ChildSigkilledAtRandomMoments_EveryAcknowledgedRecordPresentIntactInOrder()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("The SIGKILL crash test needs Linux (Process.Kill sends SIGKILL there).");
        }

        using var directory = new TestLog();
        var acknowledged = new Dictionary<long, long>(); // offset -> id
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (int round = 0; round < Rounds; round++)
        {
            int killAfterAcks = random.Next(0, 600);
            var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
            using (Process child = StartChild(directory.Directory, round))
            {
                child.OutputDataReceived += (_, e) => lines.Writer.TryWrite(e.Data ?? "");
                child.BeginOutputReadLine();
                child.BeginErrorReadLine();
                int seen = 0;
                while (seen < killAfterAcks)
                {
                    string line = await lines.Reader.ReadAsync().AsTask().WaitAsync(TestLog.SafetyTimeout);
                    seen += line.StartsWith('A') ? 1 : 0;
                }

                child.Kill(); // SIGKILL on Linux: no flush, no finalizers, like a power cut for the process.
                await child.WaitForExitAsync().WaitAsync(TestLog.SafetyTimeout);
            }

            lines.Writer.TryComplete();
            int acksThisRound = 0;
            await foreach (string line in lines.Reader.ReadAllAsync())
            {
                acksThisRound += Parse(line, acknowledged);
            }

            output.WriteLine($"round {round}: killed after {acksThisRound} acks");
            await VerifyAsync(directory.Directory, acknowledged);
        }

        Assert.True(acknowledged.Count > 0);
    }

    private static async Task VerifyAsync(string directory, Dictionary<long, long> acknowledged)
    {
        await using IDurableLog log = DurableLog.Open(CrashChild.Options(directory));
        List<LogRecord> records = TestLog.ReadAll(log);
        for (int i = 0; i < records.Count; i++)
        {
            Assert.Equal(i, records[i].Offset);
        }

        foreach ((long offset, long id) in acknowledged)
        {
            Assert.True(offset < records.Count, $"acknowledged offset {offset} missing; log has {records.Count} records");
            Assert.Equal(TestLog.Payload(id, (int)CrashChild.PayloadLength(id)), records[(int)offset].Payload.ToArray());
        }

        Assert.Equal(0, log.GetStats().CorruptRecordsSkipped);
    }

    private static int Parse(string line, Dictionary<long, long> acknowledged)
    {
        string[] parts = line.Split(' ');
        if (parts.Length != 4 || parts[0] != "A" || parts[3] != "E")
        {
            return 0; // A line cut by the kill carries no terminator and proves nothing.
        }

        long offset = long.Parse(parts[1], CultureInfo.InvariantCulture);
        long id = long.Parse(parts[2], CultureInfo.InvariantCulture);
        Assert.True(acknowledged.TryAdd(offset, id), $"offset {offset} acknowledged twice");
        return 1;
    }

    private static Process StartChild(string directory, int round)
    {
        string assembly = typeof(CrashChild).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add(CrashChild.Argument);
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(round.ToString(CultureInfo.InvariantCulture));
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the child");
    }
}
