using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Edge.Gateway.DevKafka;

/// <summary>
/// Loads librdkafka once for the whole process: for Confluent.Kafka's clients and for this assembly's mock-cluster
/// calls, which are bound to the same native library handle.
/// </summary>
/// <remarks>
/// <para>Order: Confluent.Kafka's own loader first (<c>Library.Load()</c>; on glibc linux-x64 it falls back from the
/// package's <c>librdkafka.so</c> to <c>centos8-librdkafka.so</c> by itself). If that fails, an explicit file from the
/// application's <c>runtimes/&lt;rid&gt;/native</c> folder (or the application folder, where a RID-specific publish
/// puts it) is given to <c>Library.Load(path)</c>: <c>centos8-librdkafka.so</c> on linux-x64 (the default build needs
/// libsasl2.so.3, which Debian lacks), the package's <c>librdkafka.so</c> on linux-arm64 (Raspberry Pi).</para>
/// <para>When <c>EDGE_LIBRDKAFKA_PATH</c> (<see cref="PathVariable"/>) names a file, only that file is used.</para>
/// <para>Call it before creating any Confluent.Kafka client when the process also uses <see cref="MockKafkaCluster"/>;
/// calling it in a process that never uses the mock is harmless.</para>
/// </remarks>
public static class NativeLibrdkafka
{
    /// <summary>Environment variable naming an explicit librdkafka file to use instead of the package's builds
    /// (e.g. a distribution's librdkafka on a Raspberry Pi); unset by default.</summary>
    public const string PathVariable = "EDGE_LIBRDKAFKA_PATH";

    private static readonly object Gate = new();
    private static IntPtr _handle;
    private static IntPtr _confluentTarget;

    /// <summary>Full path of the librdkafka file in use, once <see cref="EnsureLoaded"/> succeeded; otherwise null.</summary>
    public static string? LoadedPath { get; private set; }

    /// <summary>
    /// Makes sure librdkafka is loaded for Confluent.Kafka and for the mock cluster. Idempotent and thread-safe;
    /// after the first success it only takes a lock.
    /// </summary>
    /// <exception cref="DllNotFoundException">No librdkafka build loads on this machine; the message lists what was
    /// tried and why it failed.</exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_handle != IntPtr.Zero)
            {
                return;
            }

            var failures = new List<string>();
            var path = LoadForConfluent(failures) ?? MappedLibrdkafka() ?? Candidates().FirstOrDefault(p => File.Exists(p) && NativeLibrary.TryLoad(p, out _));
            if (path is null || !NativeLibrary.TryLoad(path, out var handle))
            {
                throw new DllNotFoundException("librdkafka could not be loaded: " + string.Join("; ", failures.DefaultIfEmpty("no candidate file found")));
            }

            // dlopen of an already loaded file returns the handle of that same instance.
            _handle = handle;
            LoadedPath = path;
            NativeLibrary.SetDllImportResolver(typeof(NativeLibrdkafka).Assembly, Resolve);
        }
    }

    // Returns the file given to Library.Load(path), or null when Confluent.Kafka chose (or had chosen) by itself.
    private static string? LoadForConfluent(List<string> failures)
    {
        if (Library.IsLoaded)
        {
            return null;
        }

        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
        {
            LoadExplicit(explicitPath);
            return explicitPath;
        }

        try
        {
            Library.Load();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
        {
            failures.Add("Confluent.Kafka default: " + e.Message);
        }

        if (OperatingSystem.IsLinux() && !TryBindConfluentImports(failures))
        {
            return null;
        }

        foreach (var candidate in Candidates().Where(File.Exists))
        {
            if (!NativeLibrary.TryLoad(candidate, out var target))
            {
                failures.Add(candidate + ": does not load (missing dependency?)");
                continue;
            }

            try
            {
                _confluentTarget = target;
                Library.Load(candidate);
                return candidate;
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
            {
                failures.Add(candidate + ": " + e.Message);
            }
        }

        return null;
    }

    private static void LoadExplicit(string path)
    {
        var failures = new List<string>();
        if (!File.Exists(path) || !NativeLibrary.TryLoad(path, out _confluentTarget))
        {
            throw new DllNotFoundException($"{PathVariable}={path}: the file does not exist or does not load");
        }

        if (OperatingSystem.IsLinux() && !TryBindConfluentImports(failures))
        {
            throw new DllNotFoundException($"{PathVariable}={path}: " + string.Join("; ", failures));
        }

        try
        {
            Library.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
        {
            throw new DllNotFoundException($"{PathVariable}={path}: Confluent.Kafka could not use it: {e.Message}", e);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        => name == LibrdkafkaMockNative.Library ? _handle : IntPtr.Zero;

    // Confluent.Kafka 2.16's Library.Load(path) is unusable on glibc >= 2.34 as shipped (Debian 12, Raspberry Pi OS
    // Bookworm): it P/Invokes dlopen from "libdl", and only libdl.so.2 exists; after its dlopen it still binds
    // "librdkafka" by name, i.e. to the default build again. Resolve both for Confluent.Kafka's assembly.
    private static bool TryBindConfluentImports(List<string> failures)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, (name, _, _) => name switch
            {
                "libdl" => NativeLibrary.TryLoad("libdl.so.2", out var dl) || NativeLibrary.TryLoad("libc.so.6", out dl) ? dl : IntPtr.Zero,
                "librdkafka" => _confluentTarget,
                _ => IntPtr.Zero,
            });
            return true;
        }
        catch (InvalidOperationException e)
        {
            failures.Add("Confluent.Kafka already has a DllImport resolver: " + e.Message);
            return false;
        }
    }

    // The file Confluent.Kafka actually loaded, from the process's memory map (Linux only).
    private static string? MappedLibrdkafka()
    {
        const string maps = "/proc/self/maps";
        if (!OperatingSystem.IsLinux() || !File.Exists(maps))
        {
            return null;
        }

        return File.ReadLines(maps)
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : "")
            .FirstOrDefault(p => Path.GetFileName(p).EndsWith("librdkafka.so", StringComparison.Ordinal)
                || Path.GetFileName(p).StartsWith("librdkafka.so.", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Candidates()
    {
        var baseDirectory = AppContext.BaseDirectory;
        if (OperatingSystem.IsLinux())
        {
            var arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            var native = Path.Combine(baseDirectory, "runtimes", arch, "native");
            if (arch == "linux-x64")
            {
                yield return Path.Combine(native, "centos8-librdkafka.so");
                yield return Path.Combine(baseDirectory, "centos8-librdkafka.so");
            }

            yield return Path.Combine(native, "librdkafka.so");
            yield return Path.Combine(baseDirectory, "librdkafka.so");
        }
        else if (OperatingSystem.IsMacOS())
        {
            var arch = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "osx-arm64" : "osx-x64";
            yield return Path.Combine(baseDirectory, "runtimes", arch, "native", "librdkafka.dylib");
            yield return Path.Combine(baseDirectory, "librdkafka.dylib");
        }
        else if (OperatingSystem.IsWindows())
        {
            var arch = RuntimeInformation.ProcessArchitecture == Architecture.X86 ? "win-x86" : "win-x64";
            yield return Path.Combine(baseDirectory, "runtimes", arch, "native", "librdkafka.dll");
            yield return Path.Combine(baseDirectory, "librdkafka.dll");
        }
    }
}
