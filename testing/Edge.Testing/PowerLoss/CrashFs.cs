using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Edge.Testing.PowerLoss;

/// <summary>
/// A mounted crash-simulating file system (testing/crashfs, FUSE): reads and writes pass through to a backing
/// directory, but on <see cref="PowerCutAsync(Action, bool)"/> everything that was not made durable is discarded, as
/// a power cut would on a strict POSIX file system — file data and size survive only up to the last
/// fsync/fdatasync of the file, a created, renamed or deleted name only after an fsync of its directory.
/// Content present at mount (see <see cref="CrashFsOptions.Populate"/>) is durable.
/// </summary>
/// <remarks>
/// Usage: <c>await using var fs = await CrashFs.MountAsync();</c> point the process under test at
/// <see cref="Path"/>, then <c>var report = await fs.PowerCutAsync(() =&gt; gateway.Kill());</c> and start it again on the
/// same path. Mounting skips the test outside CI when FUSE, gcc or libfuse3-dev is missing and fails it in CI.
/// Not thread-safe for concurrent power cuts; the fault knobs may be called from any thread.
/// </remarks>
public sealed class CrashFs : IAsyncDisposable
{
    private readonly Process _daemon;
    private readonly string _stateDirectory;
    private readonly string _controlSocket;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly SemaphoreSlim _control = new(1, 1);
    private readonly ulong _seed;
    private int _cuts;
    private bool _disposed;

    private CrashFs(Process daemon, string stateDirectory, ulong seed)
    {
        _daemon = daemon;
        _stateDirectory = stateDirectory;
        _controlSocket = System.IO.Path.Combine(stateDirectory, "control.sock");
        _seed = seed;
        Path = System.IO.Path.Combine(stateDirectory, "mnt");
        BackingPath = System.IO.Path.Combine(stateDirectory, "root");
    }

    /// <summary>The mount point: give this (or a folder under it) to the process under test.</summary>
    public string Path { get; }

    /// <summary>The backing directory (the live state; after a cut, the surviving state). For diagnostics only.</summary>
    public string BackingPath { get; }

    /// <summary>The file system daemon's own output (libfuse messages, internal errors).</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>Compiles crashfs if needed (cached by source hash) and mounts a new, empty instance.</summary>
    /// <exception cref="InvalidOperationException">The daemon exited or the mount did not appear within 20 s.</exception>
    public static async Task<CrashFs> MountAsync(CrashFsOptions? options = null)
    {
        options ??= new CrashFsOptions();
        var binary = await CrashFsBinary.GetAsync();
        var state = Directory.CreateTempSubdirectory("crashfs-").FullName;
        var root = Directory.CreateDirectory(System.IO.Path.Combine(state, "root")).FullName;
        var grave = Directory.CreateDirectory(System.IO.Path.Combine(state, "grave")).FullName;
        var mount = Directory.CreateDirectory(System.IO.Path.Combine(state, "mnt")).FullName;
        options.Populate?.Invoke(root);

        ulong seed = Environment.GetEnvironmentVariable("EDGE_CRASHFS_SEED") is { } s
            ? ulong.Parse(s, CultureInfo.InvariantCulture)
            : (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { root, grave, System.IO.Path.Combine(state, "control.sock"), mount, "-o", "fsname=crashfs,subtype=crashfs" })
        {
            info.ArgumentList.Add(argument);
        }

        var daemon = Process.Start(info) ?? throw new InvalidOperationException("could not start crashfs");
        var fs = new CrashFs(daemon, state, seed);
        daemon.OutputDataReceived += (_, e) => { if (e.Data is not null) { fs._log.Enqueue(e.Data); } };
        daemon.ErrorDataReceived += (_, e) => { if (e.Data is not null) { fs._log.Enqueue(e.Data); } };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        try
        {
            await Eventually.TrueAsync(() => daemon.HasExited || IsMounted(mount), TimeSpan.FromSeconds(20), "crashfs to mount " + mount);
            if (daemon.HasExited)
            {
                throw new InvalidOperationException($"crashfs exited with {daemon.ExitCode}:\n{fs.Log}");
            }

            await fs.CommandAsync("ping");
            if (options.FsyncDelay > TimeSpan.Zero)
            {
                await fs.SetFsyncDelayAsync(options.FsyncDelay);
            }

            if (options.CapacityBytes > 0)
            {
                await fs.SetCapacityAsync(options.CapacityBytes);
            }

            return fs;
        }
        catch
        {
            await fs.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Power cut: from this instant no file operation on the mount completes — a call blocks until its caller is being
    /// SIGKILLed (it then fails, which the caller's code never sees) or the power is back, so the process under test
    /// cannot act on anything after the cut; <paramref name="kill"/> runs (it must SIGKILL every process using the
    /// mount and may wait for them, e.g. <c>() =&gt; gateway.Kill()</c>); then everything not durable is discarded and
    /// the surviving state is presented on <see cref="Path"/> (calls on files opened before the cut fail with EIO). With <paramref name="tear"/> each file's last
    /// unsynced write survives as a random prefix (0 to length-1 bytes) on top of its durable content (seeded:
    /// EDGE_CRASHFS_SEED reproduces a run; the seed is in the report).
    /// </summary>
    public async Task<CrashReport> PowerCutAsync(Action kill, bool tear = false)
    {
        ArgumentNullException.ThrowIfNull(kill);
        await CommandAsync("freeze");
        kill();
        ulong seed = _seed + (ulong)Interlocked.Increment(ref _cuts);
        var json = await CommandAsync($"crash {(tear ? 1 : 0)} {seed.ToString(CultureInfo.InvariantCulture)}");
        return CrashReport.Parse(json);
    }

    /// <summary>Power cut with a child process as the victim: SIGKILL to its whole tree, then waits for it to exit.</summary>
    public Task<CrashReport> PowerCutAsync(Process victim, bool tear = false)
    {
        ArgumentNullException.ThrowIfNull(victim);
        return PowerCutAsync(
            () =>
            {
                if (!victim.HasExited)
                {
                    victim.Kill(entireProcessTree: true);
                }

                if (!victim.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException($"process {victim.Id} did not exit within 30 s of SIGKILL");
                }
            },
            tear);
    }

    /// <summary>Power cut with no process to kill (the test itself wrote through the mount and closed its files).</summary>
    public Task<CrashReport> PowerCutAsync(bool tear = false) => PowerCutAsync(() => { }, tear);

    /// <summary>Adds <paramref name="delay"/> to every file and directory fsync (an SD card: 5–20 ms).</summary>
    public Task SetFsyncDelayAsync(TimeSpan delay) => CommandAsync($"delay {(int)delay.TotalMilliseconds}");

    /// <summary>From now, fsyncs block (a stuck SD card) until <see cref="ReleaseFsyncAsync"/> or a power cut (which clears the stall).</summary>
    public Task StallFsyncAsync() => CommandAsync("stall");

    /// <summary>
    /// Arms a one-shot trigger: the first fsync of a file whose path (relative to the mount, with a leading '/')
    /// contains <paramref name="pathContains"/> turns the stall on and blocks, as do all fsyncs after it, until
    /// <see cref="ReleaseFsyncAsync"/> or a power cut. Cut with <see cref="WaitUntilStalledAsync"/> to hit that instant.
    /// </summary>
    public Task StallFsyncAtFileAsync(string pathContains) => CommandAsync("stall-on file " + Pattern(pathContains));

    /// <summary>
    /// Arms a one-shot trigger: the first directory fsync that would make durable a <paramref name="change"/> of a name
    /// containing <paramref name="nameContains"/> (e.g. <c>(Added, ".log")</c>: a new segment; <c>(Removed, ".log")</c>:
    /// a retention delete; <c>(Replaced, "checkpoint")</c>: a checkpoint rename) stalls, like <see cref="StallFsyncAtFileAsync"/>.
    /// </summary>
    public Task StallFsyncAtDirectoryAsync(EntryChange change, string nameContains)
    {
        char op = change switch { EntryChange.Added => '+', EntryChange.Removed => '-', EntryChange.Replaced => '~', _ => '*' };
        return CommandAsync($"stall-on dir {op}{Pattern(nameContains)}");
    }

    /// <summary>Waits until at least one fsync is blocked by a stall (a safety timeout, not a performance bound).</summary>
    /// <exception cref="TimeoutException">Nothing stalled within <paramref name="timeout"/>.</exception>
    public Task WaitUntilStalledAsync(TimeSpan timeout) =>
        Eventually.TrueAsync(async () => (await StatsAsync()).StalledFsyncs > 0, timeout, "an fsync to stall on the crashfs trigger");

    private static string Pattern(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        if (text.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("the pattern cannot contain white space", nameof(text));
        }

        return text;
    }

    /// <summary>Lets stalled and later fsyncs complete.</summary>
    public Task ReleaseFsyncAsync() => CommandAsync("release");

    /// <summary>The next <paramref name="count"/> calls of <paramref name="operation"/> fail with <paramref name="errno"/>.</summary>
    public Task FailNextAsync(FsOperation operation, Errno errno = Errno.EIO, int count = 1) =>
        CommandAsync($"fail {Name(operation)} {(int)errno} {count}");

    /// <summary>Every call of <paramref name="operation"/> fails with <paramref name="errno"/> until <see cref="ClearFaultsAsync"/>.</summary>
    public Task FailAllAsync(FsOperation operation, Errno errno = Errno.EIO) => CommandAsync($"fail {Name(operation)} {(int)errno} all");

    /// <summary>Removes every injected write and fsync fault.</summary>
    public Task ClearFaultsAsync() => CommandAsync("fail clear");

    /// <summary>Writes that would grow the files past <paramref name="bytes"/> in total fail with ENOSPC (a short write first); 0 removes the limit.</summary>
    public Task SetCapacityAsync(long bytes) => CommandAsync("capacity " + bytes.ToString(CultureInfo.InvariantCulture));

    /// <summary>Counters since mount.</summary>
    public async Task<CrashFsStats> StatsAsync()
    {
        using var document = System.Text.Json.JsonDocument.Parse(await CommandAsync("stats"));
        var r = document.RootElement;
        return new CrashFsStats(
            r.GetProperty("writes").GetInt64(), r.GetProperty("bytes").GetInt64(), r.GetProperty("fsyncs").GetInt64(),
            r.GetProperty("fsyncdirs").GetInt64(), r.GetProperty("used").GetInt64(), r.GetProperty("stalled").GetInt32(),
            r.GetProperty("crashes").GetInt64());
    }

    /// <summary>Unmounts (lazily if busy), stops the daemon and deletes the backing state; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_daemon.HasExited)
            {
                await CommandAsync("release", TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            // the daemon is gone or wedged: unmount anyway
        }

        await UnmountAsync(lazy: false);
        if (IsMounted(Path))
        {
            await UnmountAsync(lazy: true);
        }

        if (!_daemon.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _daemon.Kill();
            _daemon.WaitForExit(TimeSpan.FromSeconds(10));
        }

        if (IsMounted(Path))
        {
            await UnmountAsync(lazy: true);
        }

        _daemon.Dispose();
        _control.Dispose();
        if (!IsMounted(Path))
        {
            try
            {
                Directory.Delete(_stateDirectory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    private async Task UnmountAsync(bool lazy)
    {
        try
        {
            await ToolRun.RunAsync("fusermount3", lazy ? ["-u", "-z", Path] : ["-u", Path], TimeSpan.FromSeconds(20));
        }
        catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception)
        {
        }
    }

    private static string Name(FsOperation operation) => operation == FsOperation.Write ? "write" : "fsync";

    /// <summary>True when <paramref name="mountPoint"/> is a mount point now (/proc/self/mountinfo).</summary>
    public static bool IsMounted(string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(mountPoint);
        var full = System.IO.Path.GetFullPath(mountPoint).TrimEnd('/');
        return File.ReadLines("/proc/self/mountinfo").Any(line => line.Split(' ') is { Length: > 4 } f && f[4] == full);
    }

    private Task<string> CommandAsync(string command) => CommandAsync(command, TimeSpan.FromSeconds(120));

    private async Task<string> CommandAsync(string command, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _control.WaitAsync(cts.Token);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_controlSocket), cts.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\n"), cts.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var reply = await reader.ReadLineAsync(cts.Token)
                ?? throw new IOException($"crashfs closed the control socket on '{command}':\n{Log}");
            if (reply.Contains("\"ok\":false", StringComparison.Ordinal) && !command.StartsWith("crash", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"crashfs refused '{command}': {reply}");
            }

            return reply;
        }
        finally
        {
            _control.Release();
        }
    }
}
