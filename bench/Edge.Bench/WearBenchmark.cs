using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Edge.Gateway.Log;

namespace Edge.Bench;

/// <summary>
/// Flash writes per message at a low, open-loop rate (issue 18: 1,000 devices at 1 msg/s): Poisson arrivals into the
/// durable log, each append awaited by its own "device", for each storage policy in turn on the same disk. Reports the
/// bytes the block device wrote (/sys/dev/block/M:m/stat, sectors written: what an SD card wears on, including the file
/// system's journal), the process's /proc/self/io write_bytes (what the pipeline benchmark reports), the log's own
/// 4 KiB page count, the records per commit and the append latency. Put --dir on a file system nothing else writes
/// to (a loop device) for clean device numbers.
/// </summary>
internal static class WearBenchmark
{
    private static readonly (string Name, long Preallocate, double WindowMs)[] Policies =
    [
        ("growing file, no window (before)", 0, 0),
        ("preallocated, no window (shipped)", 256 * 1024, 0),
        ("preallocated, window 1 ms", 256 * 1024, 1),
        ("preallocated, window 2 ms", 256 * 1024, 2),
        ("growing file, window 2 ms", 0, 2),
    ];

    public static Command CreateCommand()
    {
        var directory = new Option<string>("--dir") { Description = "Directory on the file system to measure (ideally a loop device of its own).", Required = true };
        var rate = new Option<double>("--rate") { Description = "Appends per second (Poisson).", DefaultValueFactory = _ => 1000 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds per policy.", DefaultValueFactory = _ => 10 };
        var record = new Option<int>("--record-bytes") { Description = "Bytes per log record (the gateway's record of a 64-byte message with client id and topic is ~124).", DefaultValueFactory = _ => 124 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds over all policies (interleaved).", DefaultValueFactory = _ => 1 };
        var command = new Command("wear", "Flash bytes per message by storage policy at a low open-loop rate.") { directory, rate, seconds, record, rounds };
        command.SetAction(r => Run(r.GetValue(directory)!, r.GetValue(rate), r.GetValue(seconds), r.GetValue(record), r.GetValue(rounds)));
        return command;
    }

    private static int Run(string root, double rate, double seconds, int recordBytes, int rounds)
    {
        Directory.CreateDirectory(root);
        string device = BlockDevice.Of(root);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# Flash writes per message: {rate:N0} appends/s Poisson, {recordBytes} B records, {seconds:0.#} s per policy, {rounds} round(s), dir {root} on block device {device}"));
        Console.WriteLine("| policy | appends | records / commit | device B/msg | /proc/io write_bytes B/msg | log flash pages B/msg | append p50 / p99 / p999 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (int round = 0; round < rounds; round++)
        {
            foreach ((string name, long preallocate, double windowMs) in Policies)
            {
                string dir = Path.Combine(root, "wear-log");
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }

                var options = new DurableLogOptions { Directory = dir, PreallocateBytes = preallocate, CommitWindow = TimeSpan.FromMilliseconds(windowMs) };
                Result r = Measure(options, device, rate, seconds, recordBytes);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {r.Appends:N0} | {r.PerCommit:0.00} | {r.DeviceBytes / (double)r.Appends:N0} | {r.ProcessBytes / (double)r.Appends:N0} | {r.FlashBytes / (double)r.Appends:N0} | {r.P50:0.00} / {r.P99:0.00} / {r.P999:0.00} |"));
            }
        }

        Directory.Delete(Path.Combine(root, "wear-log"), recursive: true);
        return 0;
    }

    private static Result Measure(DurableLogOptions options, string device, double rate, double seconds, int recordBytes)
    {
        IDurableLog log = DurableLog.Open(options);
        var payload = new byte[recordBytes - 24];
        Random.Shared.NextBytes(payload);
        log.AppendAsync(payload).AsTask().GetAwaiter().GetResult(); // Segment and high-water mark created before measuring.
        Thread.Sleep(6000); // The file system's periodic journal commit (5 s) of the set-up lands before the window.
        LogStats before = log.GetStats();
        long device0 = BlockDevice.SectorsWritten(device), process0 = ProcessWriteBytes();
        var latencies = new List<double>();
        var pending = new List<Task>();
        var random = new Random(18);
        long start = Stopwatch.GetTimestamp();
        double due = 0;
        int appends = 0;
        while (due < seconds)
        {
            due += -Math.Log(1 - random.NextDouble()) / rate;
            while (Stopwatch.GetElapsedTime(start).TotalSeconds < due)
            {
                if (due - Stopwatch.GetElapsedTime(start).TotalSeconds > 0.002)
                {
                    Thread.Sleep(1);
                }
                else
                {
                    Thread.Yield();
                }
            }

            long issued = Stopwatch.GetTimestamp();
            pending.Add(log.AppendAsync(payload).AsTask().ContinueWith(
                _ =>
                {
                    double ms = Stopwatch.GetElapsedTime(issued).TotalMilliseconds;
                    lock (latencies)
                    {
                        latencies.Add(ms);
                    }
                },
                TaskScheduler.Default));
            appends++;
        }

        Task.WaitAll([.. pending]);
        LogStats after = log.GetStats();
        long process1 = ProcessWriteBytes();
        log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Thread.Sleep(6000); // What the journal writes later for this window is counted too; the close's own cut is small.
        long device1 = BlockDevice.SectorsWritten(device);
        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        return new Result(appends, (device1 - device0) * 512, process1 - process0, after.FlashBytesWritten - before.FlashBytesWritten,
            appends / (double)Math.Max(1, after.GroupCommits - before.GroupCommits), P(0.5), P(0.99), P(0.999));
    }

    private static long ProcessWriteBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
            {
                return long.Parse(line["write_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private readonly record struct Result(int Appends, long DeviceBytes, long ProcessBytes, long FlashBytes, double PerCommit, double P50, double P99, double P999);
}
