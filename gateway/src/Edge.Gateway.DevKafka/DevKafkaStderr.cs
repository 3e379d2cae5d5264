using System.Diagnostics;

namespace Edge.Gateway.DevKafka;

/// <summary>Drains the tool's stderr (so it never blocks on a full pipe) and keeps the last lines for error messages.</summary>
internal sealed class DevKafkaStderr
{
    private const int Keep = 20;
    private readonly Queue<string> _lines = new();

    public DevKafkaStderr(Process process)
    {
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(e.Data);
                if (_lines.Count > Keep)
                {
                    _lines.Dequeue();
                }
            }
        };
        process.BeginErrorReadLine();
    }

    /// <summary>The last lines the tool wrote to stderr, joined with " | ".</summary>
    public string Tail
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? "(empty)" : string.Join(" | ", _lines);
            }
        }
    }
}
