using System.Diagnostics;

namespace Edge.Gateway.Security;

/// <summary>
/// Installers run <c>device</c> and <c>cert</c> as root, but the service reads the files as its own user (the packaged
/// unit uses <c>DynamicUser=yes</c>): a root-owned 0600 file would lock the gateway out of its own credentials. When
/// privileged, files written under <c>Storage:Path</c> are handed to that directory's owner (mode unchanged).
/// </summary>
internal static class FileOwnership
{
    /// <summary>Gives <paramref name="paths"/> the owner and group of <paramref name="referenceDirectory"/> when running as root.</summary>
    public static void MatchOwner(string referenceDirectory, params string[] paths)
    {
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess || paths.Length == 0)
        {
            return;
        }

        // .NET has no chown; coreutils' --reference copies the numeric owner even when the dynamic user is not
        // allocated right now (service stopped).
        var info = new ProcessStartInfo("chown") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add("--reference=" + Path.GetFullPath(referenceDirectory));
        info.ArgumentList.Add("--");
        foreach (var path in paths)
        {
            info.ArgumentList.Add(Path.GetFullPath(path));
        }

        using var process = Process.Start(info) ?? throw new IOException("could not run chown");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"could not give {string.Join(", ", paths)} to the owner of {referenceDirectory}: {error.Trim()}");
        }
    }
}
