using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Edge.Gateway.Log;
using Edge.Gateway.Log.Internal;
using Microsoft.Data.Sqlite;

namespace Edge.Bench;

/// <summary>
/// Durable appends/s of the log against (a) raw write+fdatasync loops on the same disk and (b) SQLite WAL with
/// synchronous=FULL, at 64 B / 1 KiB records and 1 / 16 / 256 concurrent appenders.
/// </summary>
internal static class LogBenchmark
{
    public static Command CreateCommand()
    {
        var quick = new Option<bool>("--quick") { Description = "Short runs (< 30 s in total) for a smoke check." };
        var directory = new Option<string?>("--dir") { Description = "Directory on the disk to measure (default: a temp folder)." };
        var command = new Command("log", "Durable log group commit vs raw fsync ceiling vs SQLite WAL.") { quick, directory };
        command.SetAction(result => RunAsync(result.GetValue(quick), result.GetValue(directory)).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> RunAsync(bool quick, string? root)
    {
        TimeSpan duration = TimeSpan.FromSeconds(quick ? 0.4 : 3);
        root ??= Path.Combine(Path.GetTempPath(), "edge-bench-log-" + Environment.ProcessId);
        Directory.CreateDirectory(root);
        Console.WriteLine($"# Durable log benchmark ({(quick ? "quick" : "full")}, {duration.TotalSeconds:0.#} s per cell, dir {root})");
        Console.WriteLine("| record | appenders | log appends/s | log MB/s | avg batch (records) | raw same-batch appends/s | raw 1-fsync-per-record appends/s | SQLite WAL FULL inserts/s | log / SQLite | log / raw same-batch |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        try
        {
            foreach (int size in new[] { 64, 1024 })
            {
                foreach (int appenders in new[] { 1, 16, 256 })
                {
                    (double logRate, double batch) = await MeasureLogAsync(root, size, appenders, duration);
                    double rawBatch = MeasureRaw(root, size, batch, duration);
                    double rawSingle = MeasureRaw(root, size, 1, duration);
                    double sqlite = await MeasureSqliteAsync(root, size, appenders, duration);
                    double mbps = logRate * size / 1e6;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {size} B | {appenders} | {logRate:N0} | {mbps:N2} | {batch:N1} | {rawBatch:N0} | {rawSingle:N0} | {sqlite:N0} | {logRate / sqlite:N1}× | {100 * logRate / rawBatch:N0}% |"));
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        return 0;
    }

    private static async Task<(double Rate, double Batch)> MeasureLogAsync(string root, int size, int appenders, TimeSpan duration)
    {
        string dir = Path.Combine(root, "log");
        await using (IDurableLog log = DurableLog.Open(new DurableLogOptions { Directory = dir }))
        {
            var payload = new byte[size];
            long count = 0;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, appenders).Select(_ => Task.Run(async () =>
            {
                long mine = 0;
                while (stopwatch.Elapsed < duration)
                {
                    await log.AppendAsync(payload);
                    mine++;
                }

                Interlocked.Add(ref count, mine);
            })));
            double seconds = stopwatch.Elapsed.TotalSeconds;
            LogStats stats = log.GetStats();
            double batch = (double)stats.NextOffset / Math.Max(1, stats.GroupCommits);
            Directory.Delete(dir, recursive: true);
            return (count / seconds, batch);
        }
    }

    /// <summary>The physical ceiling: sequential appends of <paramref name="recordsPerWrite"/> framed records with one fdatasync each.</summary>
    private static double MeasureRaw(string root, int size, double recordsPerWrite, TimeSpan duration)
    {
        int perWrite = Math.Max(1, (int)Math.Round(recordsPerWrite));
        var chunk = new byte[perWrite * (size + 24)];
        string path = Path.Combine(root, "raw.bin");
        long writes = 0, position = 0;
        var stopwatch = Stopwatch.StartNew();
        using (var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
        {
            while (stopwatch.Elapsed < duration)
            {
                RandomAccess.Write(handle, chunk, position);
                position += chunk.Length;
                NativeFileSync.FlushData(handle);
                writes++;
            }
        }

        double seconds = stopwatch.Elapsed.TotalSeconds;
        File.Delete(path);
        return writes * perWrite / seconds;
    }

    /// <summary>
    /// SQLite WAL, synchronous=FULL, one autocommit INSERT per record (each durable when it returns) through one
    /// shared connection serialized by a lock: SQLite admits one writer at a time anyway, and a shared connection
    /// avoids SQLITE_BUSY retries, so this is the most favourable setup for it.
    /// </summary>
    private static async Task<double> MeasureSqliteAsync(string root, int size, int appenders, TimeSpan duration)
    {
        string path = Path.Combine(root, "bench.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (SqliteCommand setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE log(id INTEGER PRIMARY KEY, ts INTEGER, payload BLOB);";
            setup.ExecuteNonQuery();
        }

        using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO log(ts, payload) VALUES ($ts, $payload)";
        SqliteParameter ts = insert.Parameters.Add("$ts", SqliteType.Integer);
        SqliteParameter blob = insert.Parameters.Add("$payload", SqliteType.Blob);
        var payload = new byte[size];
        using var gate = new SemaphoreSlim(1, 1);
        long count = 0;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, appenders).Select(_ => Task.Run(async () =>
        {
            while (stopwatch.Elapsed < duration)
            {
                await gate.WaitAsync();
                try
                {
                    ts.Value = Environment.TickCount64;
                    blob.Value = payload;
                    insert.ExecuteNonQuery();
                    count++;
                }
                finally
                {
                    gate.Release();
                }
            }
        })));
        double seconds = stopwatch.Elapsed.TotalSeconds;
        connection.Close();
        SqliteConnection.ClearAllPools();
        foreach (string file in Directory.GetFiles(root, "bench.db*"))
        {
            File.Delete(file);
        }

        return count / seconds;
    }
}
