using System.Collections.Concurrent;
using System.Diagnostics;

namespace Edge.Bench.Pipeline;

/// <summary>A child process whose stderr (and stdout unless a byte handler takes it) is kept for failure messages; killed with its tree on dispose.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;
    private readonly Task _stdoutPump = Task.CompletedTask;

    /// <param name="onStdoutLine">When set, stdout is read as raw bytes and each '\n'-terminated line (without it) is handed over.</param>
    public ChildProcess(string fileName, IEnumerable<string> arguments, SpanAction? onStdoutLine = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
        _process.ErrorDataReceived += (_, e) => Keep("stderr: " + e.Data);
        _process.BeginErrorReadLine();
        if (onStdoutLine is null)
        {
            _process.OutputDataReceived += (_, e) => Keep(e.Data);
            _process.BeginOutputReadLine();
        }
        else
        {
            var stream = _process.StandardOutput.BaseStream;
            _stdoutPump = Task.Run(() => PumpLines(stream, onStdoutLine));
        }
    }

    public delegate void SpanAction(ReadOnlySpan<byte> line);

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _output);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _stdoutPump.Wait(TimeSpan.FromSeconds(5));
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 400 && _output.TryDequeue(out _))
        {
        }
    }

    private static void PumpLines(Stream stream, SpanAction onLine)
    {
        var buffer = new byte[1 << 16];
        var filled = 0;
        int read;
        while ((read = stream.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            filled += read;
            var start = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                onLine(buffer.AsSpan(start, newline - start));
                start = newline + 1;
            }

            Array.Copy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            if (filled == buffer.Length)
            {
                filled = 0; // a line longer than the buffer is not a benchmark payload
            }
        }
    }
}
