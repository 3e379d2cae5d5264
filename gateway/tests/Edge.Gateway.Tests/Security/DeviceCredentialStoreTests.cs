using System.Diagnostics;
using Edge.Gateway.Security;

namespace Edge.Gateway.Tests.Security;

public sealed class DeviceCredentialStoreTests
{
    [Fact]
    public void Revoke_UnknownId_RecordedSoItsClientCertificateIsRefusedToo()
    {
        var store = new DeviceCredentialStore(Directory.CreateTempSubdirectory("edge-cred-").FullName);

        Assert.False(store.Revoke("cert-only"));

        Assert.True(store.IsRevoked("cert-only"));
        Assert.Equal(CredentialCheck.Revoked, store.Verify("cert-only", "anything"));
        Assert.False(store.IsStillValid("cert-only", ""));
    }

    [Fact]
    public void IsStillValid_AfterRotateOrRevokeInAnotherProcessesStore_False()
    {
        var directory = Directory.CreateTempSubdirectory("edge-cred-").FullName;
        var gateway = new DeviceCredentialStore(directory);
        var cli = new DeviceCredentialStore(directory);
        var secretA = cli.Add("dev-a", rotate: false);
        var secretB = cli.Add("dev-b", rotate: false);
        Assert.True(gateway.RefreshIfChanged());
        Assert.Equal(CredentialCheck.Ok, gateway.Verify("dev-a", secretA, out var hashA));
        Assert.Equal(CredentialCheck.Ok, gateway.Verify("dev-b", secretB, out var hashB));

        cli.Add("dev-a", rotate: true);
        cli.Revoke("dev-b");

        Assert.True(gateway.RefreshIfChanged());
        Assert.False(gateway.RefreshIfChanged());
        Assert.False(gateway.IsStillValid("dev-a", hashA));
        Assert.False(gateway.IsStillValid("dev-b", hashB));
        Assert.Equal(CredentialCheck.WrongSecret, gateway.Verify("dev-a", secretA));
    }

    [Fact]
    public void Add_FromManyStoresAtOnce_NoDeviceLost()
    {
        var directory = Directory.CreateTempSubdirectory("edge-cred-").FullName;

        Parallel.For(0, 8, i => new DeviceCredentialStore(directory).Add($"dev-{i}", rotate: false));

        Assert.Equal(8, new DeviceCredentialStore(directory).List().Count);
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
    }

    [Fact]
    public void Constructor_CorruptFile_ErrorNamesTheFile()
    {
        var directory = Directory.CreateTempSubdirectory("edge-cred-").FullName;
        File.WriteAllText(Path.Combine(directory, "devices.json"), "{ not json");

        var error = Assert.Throws<CredentialsFileException>(() => new DeviceCredentialStore(directory));

        Assert.Contains("devices.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"id":"a","salt":"","hash":"","iterations":0,"created":"2026-01-01T00:00:00Z"},{"id":"a","salt":"","hash":"","iterations":0,"created":"2026-01-01T00:00:00Z"}]""", "entry 1 repeats device 'a'")]
    [InlineData("""[{"id":"a","salt":"!!","hash":"nope","iterations":10000,"created":"2026-01-01T00:00:00Z"}]""", "entry 0 ('a') has an invalid salt, hash or iterations")]
    [InlineData("""[null]""", "entry 0 is null")]
    [InlineData("""[{"salt":"","hash":"","iterations":0,"created":"2026-01-01T00:00:00Z"}]""", "entry 0 has no valid id")]
    [InlineData("""null""", "expected a JSON array")]
    public void Constructor_ValidJsonWithABadEntry_ErrorNamesTheEntry(string json, string problem)
    {
        var directory = Directory.CreateTempSubdirectory("edge-cred-").FullName;
        File.WriteAllText(Path.Combine(directory, "devices.json"), json);

        var error = Assert.Throws<CredentialsFileException>(() => new DeviceCredentialStore(directory));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordCertificate_NewId_ProvisionedWithoutASecretAndKeepsAnExistingOne()
    {
        var directory = Directory.CreateTempSubdirectory("edge-cred-").FullName;
        var store = new DeviceCredentialStore(directory);
        var secret = store.Add("both", rotate: false);

        store.RecordCertificate("cert-only");
        store.RecordCertificate("both");

        var reloaded = new DeviceCredentialStore(directory);
        Assert.True(reloaded.IsProvisioned("cert-only"));
        Assert.False(reloaded.IsRevoked("cert-only"));
        Assert.Equal(CredentialCheck.WrongSecret, reloaded.Verify("cert-only", "anything"));
        Assert.Equal(CredentialCheck.Ok, reloaded.Verify("both", secret));
        Assert.NotEmpty(reloaded.Add("cert-only", rotate: false)); // a secret can be added to a certificate device
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Add_AsRootInADirectoryOwnedByTheServiceUser_FileGoesToThatUserWithMode0600()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "needs root (as installers run the CLI)");
        var directory = Directory.CreateTempSubdirectory("edge-cred-").FullName;
        Run("chown", "65534:65534", directory); // as a DynamicUser= state directory is owned by the service

        var store = new DeviceCredentialStore(directory);
        store.Add("dev-a", rotate: false);

        Assert.Equal("65534:65534", Run("stat", "-c", "%u:%g", store.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
    }

    private static string Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
