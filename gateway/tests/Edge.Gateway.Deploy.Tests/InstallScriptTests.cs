using System.Runtime.InteropServices;
using Edge.Testing;

namespace Edge.Gateway.Deploy.Tests;

/// <summary>
/// gateway/deploy/install.sh and package.sh: shellcheck-clean, root only, idempotent (config kept), clean uninstall.
/// Install runs under EDGE_GATEWAY_DESTDIR with a stand-in systemctl that records its calls.
/// </summary>
public sealed class InstallScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edge-install-").FullName;

    private string Root => Path.Combine(_dir, "root");

    private string SystemctlLog => Path.Combine(_dir, "systemctl.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("install.sh")]
    [InlineData("package.sh")]
    public async Task Script_IsShellcheckClean(string script)
    {
        var shellcheck = Requirements.Tool("shellcheck");
        var result = await ToolRun.RunAsync(shellcheck, [RepoPaths.Deploy(script)], TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public async Task Install_WithoutRoot_RefusesAndChangesNothing()
    {
        // The unprivileged user may not be able to traverse the checkout (a 0700 temp clone): run a world-readable copy.
        var copy = Directory.CreateTempSubdirectory("edge-install-").FullName;
        File.SetUnixFileMode(copy, (UnixFileMode)0b111_101_101);
        var script = Path.Combine(copy, "install.sh");
        File.Copy(RepoPaths.Deploy("install.sh"), script);
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        string[] command = await IsRootAsync()
            ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", script, AppDir(ElfMachineOfThisCpu())]
            : ["bash", RepoPaths.Deploy("install.sh"), AppDir(ElfMachineOfThisCpu())];

        var result = await ToolRun.RunAsync(command[0], command[1..], TimeSpan.FromMinutes(1), Environment());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("must run as root", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Root));
    }

    [Fact]
    public async Task Install_Twice_KeepsTheEditedConfigAndEnablesTheService()
    {
        await RequireRootAsync();
        var app = AppDir(ElfMachineOfThisCpu());

        var first = await InstallAsync(app);
        Assert.True(first.ExitCode == 0, first.Describe());
        Assert.True(File.Exists(Path.Combine(Root, "opt/edge-gateway/Edge.Gateway")));
        Assert.Equal(
            await File.ReadAllTextAsync(RepoPaths.Deploy("edge-gateway.service"), TestContext.Current.CancellationToken),
            await File.ReadAllTextAsync(Path.Combine(Root, "etc/systemd/system/edge-gateway.service"), TestContext.Current.CancellationToken));
        var config = Path.Combine(Root, "etc/edge-gateway/appsettings.json");
        Assert.Equal(
            await File.ReadAllTextAsync(RepoPaths.Deploy("appsettings.sample.json"), TestContext.Current.CancellationToken),
            await File.ReadAllTextAsync(config, TestContext.Current.CancellationToken));
        Assert.Contains("NEW CONFIGURATION", first.StandardOutput, StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, "{ \"Gateway\": { \"Id\": \"edited\" } }", TestContext.Current.CancellationToken);
        var second = await InstallAsync(app);
        Assert.True(second.ExitCode == 0, second.Describe());
        Assert.Equal("{ \"Gateway\": { \"Id\": \"edited\" } }", await File.ReadAllTextAsync(config, TestContext.Current.CancellationToken));
        Assert.Contains("Kept your", second.StandardOutput, StringComparison.Ordinal);

        var calls = await File.ReadAllLinesAsync(SystemctlLog, TestContext.Current.CancellationToken);
        Assert.Equal(2, calls.Count(c => c == "daemon-reload"));
        Assert.Equal(2, calls.Count(c => c == "enable --now edge-gateway"));
    }

    [Fact]
    public async Task Install_ABinaryForAnotherCpu_IsRefused()
    {
        await RequireRootAsync();
        var foreign = ElfMachineOfThisCpu() == 0xB7 ? (ushort)0x3E : (ushort)0xB7;

        var result = await InstallAsync(AppDir(foreign));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not built for this machine", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Root, "opt/edge-gateway")));
    }

    [Fact]
    public async Task Uninstall_RemovesProgramAndUnit_KeepsConfigAndData_UnlessPurged()
    {
        await RequireRootAsync();
        Assert.Equal(0, (await InstallAsync(AppDir(ElfMachineOfThisCpu()))).ExitCode);
        var state = Directory.CreateDirectory(Path.Combine(Root, "var/lib/edge-gateway")).FullName;

        var uninstall = await InstallAsync("--uninstall");
        Assert.True(uninstall.ExitCode == 0, uninstall.Describe());
        Assert.False(Directory.Exists(Path.Combine(Root, "opt/edge-gateway")));
        Assert.False(File.Exists(Path.Combine(Root, "etc/systemd/system/edge-gateway.service")));
        Assert.True(File.Exists(Path.Combine(Root, "etc/edge-gateway/appsettings.json")));
        Assert.True(Directory.Exists(state));
        Assert.Contains("disable --now edge-gateway", await File.ReadAllLinesAsync(SystemctlLog, TestContext.Current.CancellationToken));

        var purge = await InstallAsync("--uninstall", "--purge");
        Assert.True(purge.ExitCode == 0, purge.Describe());
        Assert.False(Directory.Exists(Path.Combine(Root, "etc/edge-gateway")));
        Assert.False(Directory.Exists(state));
    }

    private static ushort ElfMachineOfThisCpu() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => 0x3E,
        Architecture.Arm64 => 0xB7,
        Architecture.Arm => 0x28,
        var other => throw new PlatformNotSupportedException(other.ToString()),
    };

    private static async Task<bool> IsRootAsync()
        => (await ToolRun.RunAsync("id", ["-u"], TimeSpan.FromSeconds(30))).StandardOutput.Trim() == "0";

    private static async Task RequireRootAsync()
    {
        if (!await IsRootAsync())
        {
            // CI runs as root; a developer's account may not, and install.sh (rightly) needs root.
            Assert.Skip("install.sh needs root (it chowns to root:root); run the tests as root to cover it");
        }
    }

    // A published folder in miniature: an "Edge.Gateway" whose ELF header names the given CPU.
    private string AppDir(ushort elfMachine)
    {
        var app = Directory.CreateDirectory(Path.Combine(_dir, $"app-{elfMachine:x}")).FullName;
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = 2; // 64-bit
        header[5] = 1; // little endian
        header[18] = (byte)elfMachine;
        header[19] = (byte)(elfMachine >> 8);
        var program = Path.Combine(app, "Edge.Gateway");
        File.WriteAllBytes(program, header);
        File.SetUnixFileMode(program, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(app, "appsettings.json"), "{}");
        return app;
    }

    private Dictionary<string, string> Environment()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var systemctl = Path.Combine(bin, "systemctl");
        if (!File.Exists(systemctl))
        {
            // Records every call; the service is never active (a first install).
            File.WriteAllText(systemctl, "#!/bin/sh\necho \"$*\" >> \"$SYSTEMCTL_LOG\"\n[ \"$1\" = is-active ] && exit 3\nexit 0\n");
            File.SetUnixFileMode(systemctl, (UnixFileMode)0b111_101_101);
        }

        return new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + System.Environment.GetEnvironmentVariable("PATH"),
            ["EDGE_GATEWAY_DESTDIR"] = Root,
            ["SYSTEMCTL_LOG"] = SystemctlLog,
        };
    }

    private Task<ToolRun.Result> InstallAsync(params string[] arguments)
        => ToolRun.RunAsync("bash", [RepoPaths.Deploy("install.sh"), .. arguments], TimeSpan.FromMinutes(1), Environment());
}
