using System.Diagnostics;

namespace Edge.Bench.Startup;

/// <summary>
/// What a trimmed build could break beyond the start-up path itself (MQTTnet, Confluent.Kafka, configuration binding
/// and prometheus-net are exercised by every <see cref="StartupRun"/>): the provisioning CLI (System.CommandLine,
/// PBKDF2, the device file) and a configuration error naming its key (the binder and the key check, exit 78).
/// </summary>
internal static class SmokeCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs the checks on a build; returns what failed (empty: all passed).</summary>
    public static async Task<List<string>> RunAsync(Variant variant, BuiltPackage package)
    {
        var failures = new List<string>();
        var directory = Directory.CreateTempSubdirectory("edge-bench-smoke-").FullName;
        try
        {
            var (code, output) = await RunAsync(variant, package, ["device", "add", "smoke-1", $"--Storage:Path={directory}"]);
            var secret = output.Split('\n').Select(l => l.Trim()).Any(l => l.Length == 43 && !l.Contains(' ', StringComparison.Ordinal));
            if (code != 0 || !secret)
            {
                failures.Add($"device add: exit {code}, {(secret ? "a" : "no")} secret printed:\n{output}");
            }

            (code, output) = await RunAsync(variant, package, ["--Mqtt:Port=not-a-port", $"--Storage:Path={directory}"]);
            if (code != 78 || !output.Contains("Mqtt:Port", StringComparison.Ordinal))
            {
                failures.Add($"--Mqtt:Port=not-a-port: exit {code} (expected 78 naming Mqtt:Port):\n{output}");
            }

            (code, output) = await RunAsync(variant, package, ["--Mqtt:Prot=1884", $"--Storage:Path={directory}"]);
            if (code != 78 || !output.Contains("Mqtt:Prot", StringComparison.Ordinal))
            {
                failures.Add($"--Mqtt:Prot=1884 (misspelt key): exit {code} (expected 78 naming Mqtt:Prot):\n{output}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return failures;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(Variant variant, BuiltPackage package, string[] gatewayArguments)
    {
        var (fileName, arguments) = package.Command(gatewayArguments);
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        arguments.ForEach(info.ArgumentList.Add);
        foreach (var (name, value) in StartupRun.Environment(variant))
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out after " + Timeout);
        }

        var output = string.Join('\n', (await stdout + await stderr).Split('\n').TakeLast(20));
        return (process.ExitCode, output);
    }
}
