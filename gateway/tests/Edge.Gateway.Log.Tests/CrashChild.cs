namespace Edge.Gateway.Log.Tests;

/// <summary>
/// The child process of the crash test: opens the log, appends from 8 concurrent appenders with durable acks
/// (plus some non-waiting ones) and prints "A offset id E" for each acknowledged record, until killed.
/// </summary>
internal static class CrashChild
{
    public const string Argument = "--crash-child";

    public static DurableLogOptions Options(string directory) =>
        new() { Directory = directory, SegmentBytes = 64 * 1024, MaxBytes = 1L << 30, MaxRecordBytes = 4096 };

    public static long PayloadLength(long id) => id % 301;

    public static async Task<int> RunAsync(string[] args)
    {
        string directory = args[1];
        long round = long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        await using IDurableLog log = DurableLog.Open(Options(directory));
        var output = Console.Out;
        var gate = new object();
        var appenders = Enumerable.Range(0, 8).Select(appender => Task.Run(async () =>
        {
            for (long sequence = 0; ; sequence++)
            {
                long id = (round * 1000 + appender) * 1_000_000 + sequence;
                byte[] payload = TestLog.Payload(id, (int)PayloadLength(id));
                if (sequence % 5 == 4)
                {
                    log.Append(payload); // QoS 0: not acknowledged, must not disturb the others.
                    continue;
                }

                AppendResult result = await log.AppendAsync(payload);
                lock (gate)
                {
                    output.Write($"A {result.Offset} {id} E\n");
                    output.Flush();
                }
            }
        })).ToArray();
        await Task.WhenAll(appenders);
        return 0;
    }
}
