using System.Diagnostics;

namespace Edge.HardwareTests.Bench;

/// <summary>Runs a bench command with /bin/sh -c; a non-zero exit is an error naming the command.</summary>
internal static class ShellCommand
{
    public static async Task RunAsync(string command, Action<string> log, CancellationToken cancellationToken)
    {
        log($"bench$ {command}");
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start: {command}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"bench command failed with exit code {process.ExitCode}: {command}\n{await output}{await error}");
        }
    }
}
