namespace Edge.Bench.Pipeline;

/// <summary>Mosquitto 2 (Debian) on a free loopback port with persistence off, from a temp config.</summary>
internal sealed class MosquittoProcess : IDisposable
{
    private readonly string _directory;
    private readonly ChildProcess _process;

    private MosquittoProcess(string directory, int port, ChildProcess process)
    {
        _directory = directory;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public int Id => _process.Id;

    public string Output => _process.Output;

    public static async Task<MosquittoProcess> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("edge-bench-mosquitto-").FullName;
        var port = Ports.Free();
        var config = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllLinesAsync(config,
        [
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
            $"user {Environment.UserName}",
            "persistence false",
            // Room for the subscriber's backlog, so the MQTT-only ceiling is not cut by drops (the default is 1,000).
            "max_queued_messages 100000",
            "log_type error",
        ]);
        var process = new ChildProcess("mosquitto", ["-c", config]);
        await Ports.WaitListeningAsync(port, () => process.HasExited);
        return new MosquittoProcess(directory, port, process);
    }

    public void Dispose()
    {
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
