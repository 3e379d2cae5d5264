using System.Diagnostics;
using Edge.Testing;

namespace Edge.Gateway.DevKafka.Tests;

/// <summary>Debian's kcat, an independent Kafka client. The rule: missing in CI (CI=true) fails the test, missing
/// elsewhere skips it, saying how to get it.</summary>
internal static class Kcat
{
    public const string Missing = "kcat not installed: run scripts/test.sh (installs Debian's kcat) or apt-get install kcat";

    /// <summary>kcat's full path; otherwise fails (CI) or skips (elsewhere) the calling test.</summary>
    public static string PathOrSkip()
    {
        if (Requirements.FindOnPath("kcat") is { } path)
        {
            return path;
        }

        if (Requirements.IsCI)
        {
            Assert.Fail(Missing + " — CI must have it");
        }

        Assert.Skip(Missing);
        return "kcat"; // unreachable: Assert.Skip throws
    }

    /// <summary>Runs <c>kcat -C -o beginning -e -f '%k %s\n'</c> on one topic and returns its lines.</summary>
    public static async Task<string[]> ConsumeAsync(string bootstrap, string topic, CancellationToken cancellation)
    {
        var info = new ProcessStartInfo(PathOrSkip(), ["-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k %s\n"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"kcat exited {process.ExitCode}: {await errors}");
            return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
