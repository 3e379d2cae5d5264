namespace Edge.Gateway.Log.Tests;

/// <summary>A fresh log directory under the temp folder, deleted on dispose.</summary>
internal sealed class TestLog : IDisposable
{
    public TestLog()
    {
        Directory = Path.Combine(Path.GetTempPath(), "edge-log-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public static TimeSpan SafetyTimeout => TimeSpan.FromSeconds(60);

    public DurableLogOptions Options(long segmentBytes = 64L << 20, long maxBytes = 1L << 30, int maxRecordBytes = 1 << 20, LogFullPolicy whenFull = LogFullPolicy.Reject) =>
        new() { Directory = Directory, SegmentBytes = segmentBytes, MaxBytes = maxBytes, MaxRecordBytes = maxRecordBytes, WhenFull = whenFull };

    public IDurableLog Open(DurableLogOptions? options = null, TimeProvider? time = null) => DurableLog.Open(options ?? Options(), null, time);

    public string[] SegmentFiles() => [.. System.IO.Directory.GetFiles(Directory, "*.log").Order(StringComparer.Ordinal)];

    public static byte[] Payload(long id, int length)
    {
        var payload = new byte[length];
        new Random((int)(id ^ (id >> 32))).NextBytes(payload);
        return payload;
    }

    public static List<LogRecord> ReadAll(IDurableLog log, long from = 0)
    {
        using ILogReader reader = log.OpenReader(from);
        var records = new List<LogRecord>();
        while (reader.TryRead(out LogRecord record))
        {
            records.Add(record);
        }

        return records;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
