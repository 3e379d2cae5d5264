using System.Diagnostics;

namespace Edge.Testing;

/// <summary>
/// A real Mosquitto 2 broker (Debian package) on a free loopback port, in its own temp directory.
/// It can be stopped, killed and restarted on the same port to simulate broker outages.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private readonly string _executable;
    private readonly string _directory;
    private readonly string _configPath;
    private Process? _process;

    private MosquittoBroker(string executable, int port, bool persistence, string directory, IEnumerable<string>? extraConfig)
    {
        _executable = executable;
        Port = port;
        _directory = directory;
        _configPath = Path.Combine(_directory, "mosquitto.conf");
        File.WriteAllLines(_configPath,
        [
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
            "user root",
            "max_queued_messages 100000",
            $"persistence {(persistence ? "true" : "false")}",
            $"persistence_location {_directory}/",
            "log_type error",
            "log_type warning",
            .. extraConfig ?? [],
        ]);
    }

    /// <summary>The broker's TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>True while the broker process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Starts Mosquitto on a free port (or skips/fails the test when it is not installed; see <see cref="Requirements"/>).
    /// With persistence, sessions and queued messages survive <see cref="Restart"/>. <paramref name="extraConfig"/> gets the broker's
    /// private directory (to write files there, e.g. an ACL) and returns lines appended to mosquitto.conf (e.g. acl_file).
    /// </summary>
    public static async Task<MosquittoBroker> StartAsync(bool persistence = false, int? port = null, Func<string, IEnumerable<string>>? extraConfig = null)
    {
        var executable = Requirements.Tool("mosquitto");
        var directory = System.IO.Directory.CreateTempSubdirectory("edge-mosquitto-").FullName;
        var broker = new MosquittoBroker(executable, port ?? FreeTcpPort.Next(), persistence, directory, extraConfig?.Invoke(directory));
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Stops the broker gracefully (SIGTERM), or with SIGKILL when <paramref name="kill"/> is set.</summary>
    public void Stop(bool kill = false)
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            if (kill)
            {
                _process.Kill();
            }
            else
            {
                Signal.Terminate(_process);
            }

            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }

        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the broker again on the same port after <see cref="Stop"/>.</summary>
    public Task RestartAsync() => StartProcessAsync();

    /// <inheritdoc />
    public void Dispose()
    {
        Stop(kill: true);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory
        }
    }

    private async Task StartProcessAsync()
    {
        Stop();
        var info = new ProcessStartInfo(_executable, ["-c", _configPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreeTcpPort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(30));
    }
}
