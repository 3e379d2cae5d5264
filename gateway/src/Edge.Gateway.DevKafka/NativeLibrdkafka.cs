using System.Reflection;
using System.Runtime.InteropServices;

namespace Edge.Gateway.DevKafka;

/// <summary>
/// Binds this assembly's librdkafka calls (the mock cluster) to a librdkafka that loads on this machine.
/// On Debian the package's default linux-x64 build needs libsasl2.so.3, which Debian lacks; the sibling
/// <c>centos8-librdkafka.so</c> in the same package loads. On a Raspberry Pi (linux-arm64) the package's
/// arm64 build is used.
/// </summary>
public static class NativeLibrdkafka
{
    private static readonly object Gate = new();
    private static IntPtr _handle;
    private static bool _resolverSet;

    /// <summary>Full path of the librdkafka file this assembly uses, once loaded.</summary>
    public static string? LoadedPath { get; private set; }

    /// <summary>
    /// Idempotent and thread-safe. Call before the first mock-cluster call.
    /// </summary>
    /// <exception cref="DllNotFoundException">No librdkafka build in the application's runtimes folder loads.</exception>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_handle != IntPtr.Zero)
            {
                return;
            }

            var errors = new List<string>();
            foreach (var candidate in Candidates())
            {
                if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
                {
                    _handle = handle;
                    LoadedPath = candidate;
                    break;
                }

                errors.Add(candidate);
            }

            if (_handle == IntPtr.Zero)
            {
                throw new DllNotFoundException("No loadable librdkafka found; tried: " + string.Join(", ", errors));
            }

            if (!_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeLibrdkafka).Assembly, Resolve);
                _resolverSet = true;
            }
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        => name == LibrdkafkaMockNative.Library ? _handle : IntPtr.Zero;

    private static IEnumerable<string> Candidates()
    {
        var baseDirectory = AppContext.BaseDirectory;
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.Arm64 => "linux-arm64",
            Architecture.Arm => "linux-arm",
            _ => "linux-x64",
        };
        var native = Path.Combine(baseDirectory, "runtimes", arch, "native");
        yield return Path.Combine(native, "librdkafka.so");
        yield return Path.Combine(native, "centos8-librdkafka.so");
        yield return Path.Combine(baseDirectory, "librdkafka.so");
    }
}
