using Confluent.Kafka;

namespace Edge.Gateway.DevKafka.Tests;

/// <summary>One librdkafka for Confluent.Kafka and the mock cluster.</summary>
public sealed class NativeLibrdkafkaTests
{
    [Fact]
    public void EnsureLoaded_ConcurrentCalls_OneLibraryForConfluentAndMock()
    {
        Parallel.For(0, 16, _ => NativeLibrdkafka.EnsureLoaded());

        Assert.True(Library.IsLoaded);
        Assert.Equal("2.16.0", Library.VersionString);
        var path = Assert.IsType<string>(NativeLibrdkafka.LoadedPath);
        Assert.True(File.Exists(path), path);
        if (OperatingSystem.IsLinux())
        {
            // the file the mock calls bind to is the one mapped into this process (Confluent's)
            var mapped = File.ReadLines("/proc/self/maps").Where(l => l.Contains("librdkafka", StringComparison.Ordinal))
                .Select(l => l[l.IndexOf('/', StringComparison.Ordinal)..]).Distinct().ToList();
            Assert.Equal([path], mapped);
        }
    }

    [Fact]
    public void EnsureLoaded_DebianX64WithoutLibsasl2_UsesCentos8Build()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64
            || File.Exists("/usr/lib/x86_64-linux-gnu/libsasl2.so.3") || File.Exists("/lib64/libsasl2.so.3"))
        {
            Assert.Skip("only meaningful on linux-x64 without libsasl2.so.3 (e.g. Debian 12)");
        }

        NativeLibrdkafka.EnsureLoaded();

        Assert.Equal("centos8-librdkafka.so", Path.GetFileName(NativeLibrdkafka.LoadedPath));
    }
}
