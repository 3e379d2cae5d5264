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
/// <para>Call it before creating any Confluent.Kafka client when the process also uses <see cref="MockKafkaCluster"/>;
/// calling it in a process that never uses the mock is harmless.</para>
/// </remarks>
public static class NativeLibrdkafka
{
    private static readonly object Gate = new();
    private static IntPtr _handle;

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
            LoadForConfluent(failures);
            var path = MappedLibrdkafka() ?? Candidates().FirstOrDefault(p => File.Exists(p) && NativeLibrary.TryLoad(p, out _));
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

    private static void LoadForConfluent(List<string> failures)
    {
        if (Library.IsLoaded)
        {
            return;
        }

        try
        {
            Library.Load();
            return;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
        {
            failures.Add("Confluent.Kafka default: " + e.Message);
        }

        foreach (var candidate in Candidates().Where(File.Exists))
        {
            try
            {
                Library.Load(candidate);
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
            {
                failures.Add(candidate + ": " + e.Message);
            }
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        => name == LibrdkafkaMockNative.Library ? _handle : IntPtr.Zero;

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
