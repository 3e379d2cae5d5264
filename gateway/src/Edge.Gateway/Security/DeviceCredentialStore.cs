using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Gateway.Security;

/// <summary>
/// The device credentials file, <c>devices.json</c> under <c>Storage:Path</c> (mode 0600), written atomically
/// (temp file, fsync, rename). Secrets are 32 random bytes shown once by <c>device add</c>; only a salted
/// PBKDF2-SHA256 hash is stored. The gateway re-reads the file when it changes, so <c>device add</c> and
/// <c>device revoke</c> take effect for new connections without a restart. Thread-safe.
/// </summary>
internal sealed class DeviceCredentialStore
{
    /// <summary>
    /// PBKDF2 iterations. Device secrets are 256-bit random values, not human passwords, so the hash only has to
    /// make a stolen file useless, not slow down guessing of a weak secret: 10,000 SHA-256 iterations take ~5 ms
    /// here and ~30 ms on a Raspberry Pi, which keeps a site-wide reconnect of 1,000 boards to seconds of CPU
    /// (successful checks are also cached, see <see cref="Verify"/>).
    /// </summary>
    public const int Iterations = 10_000;

    private const string FileName = "devices.json";
    private readonly string _path;
    private readonly object _gate = new();
    private readonly Dictionary<string, byte[]> _verified = new(StringComparer.Ordinal);
    private Dictionary<string, DeviceCredential> _devices = new(StringComparer.Ordinal);
    private DateTime _loadedWriteTime;

    public DeviceCredentialStore(string storagePath)
    {
        Directory.CreateDirectory(storagePath);
        _path = Path.Combine(storagePath, FileName);
        Reload();
    }

    /// <summary>The file this store reads and writes.</summary>
    public string FilePath => _path;

    public IReadOnlyCollection<DeviceCredential> List()
    {
        lock (_gate)
        {
            ReloadIfChanged();
            return [.. _devices.Values.OrderBy(d => d.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Provisions a device and returns its new secret (shown once). Throws if it exists, unless rotating.</summary>
    public string Add(string id, bool rotate)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            if (_devices.TryGetValue(id, out var existing) && existing.Revoked is null && !rotate)
            {
                throw new InvalidOperationException($"device '{id}' already exists (use --rotate to issue a new secret)");
            }

            var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
            var salt = RandomNumberGenerator.GetBytes(16);
            _devices[id] = new DeviceCredential(id, Convert.ToBase64String(salt), Convert.ToBase64String(Hash(secret, salt, Iterations)), Iterations, DateTimeOffset.UtcNow, null);
            Save();
            return secret;
        }
    }

    /// <summary>Marks a device revoked: it can no longer connect. Returns false when it is unknown.</summary>
    public bool Revoke(string id)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            if (!_devices.TryGetValue(id, out var device))
            {
                return false;
            }

            _devices[id] = device with { Revoked = DateTimeOffset.UtcNow };
            Save();
            return true;
        }
    }

    /// <summary>Checks a device's secret in constant time; caches successes so reconnect storms stay cheap.</summary>
    public CredentialCheck Verify(string id, string? secret)
    {
        DeviceCredential? device;
        lock (_gate)
        {
            ReloadIfChanged();
            _devices.TryGetValue(id, out device);
        }

        if (device is null)
        {
            return CredentialCheck.UnknownDevice;
        }

        if (device.Revoked is not null)
        {
            return CredentialCheck.Revoked;
        }

        if (string.IsNullOrEmpty(secret))
        {
            return CredentialCheck.WrongSecret;
        }

        var fingerprint = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(device.Hash + "\n" + secret));
        lock (_gate)
        {
            if (_verified.TryGetValue(id, out var known) && CryptographicOperations.FixedTimeEquals(known, fingerprint))
            {
                return CredentialCheck.Ok;
            }
        }

        var expected = Convert.FromBase64String(device.Hash);
        var actual = Hash(secret, Convert.FromBase64String(device.Salt), device.Iterations);
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return CredentialCheck.WrongSecret;
        }

        lock (_gate)
        {
            _verified[id] = fingerprint;
        }

        return CredentialCheck.Ok;
    }

    private static byte[] Hash(string secret, byte[] salt, int iterations)
        => Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, 32);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private void ReloadIfChanged()
    {
        var writeTime = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
        if (writeTime != _loadedWriteTime)
        {
            Reload();
        }
    }

    private void Reload()
    {
        _loadedWriteTime = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
        if (!File.Exists(_path))
        {
            _devices = new(StringComparer.Ordinal);
            return;
        }

        var list = JsonSerializer.Deserialize(File.ReadAllText(_path), CredentialJsonContext.Default.ListDeviceCredential) ?? [];
        _devices = list.ToDictionary(d => d.Id, StringComparer.Ordinal);
        _verified.Clear();
    }

    private void Save()
    {
        var temp = _path + ".tmp";
        var json = JsonSerializer.SerializeToUtf8Bytes([.. _devices.Values.OrderBy(d => d.Id, StringComparer.Ordinal)], CredentialJsonContext.Default.ListDeviceCredential);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
        _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
        _verified.Clear();
    }
}

/// <summary>Outcome of a credential check.</summary>
internal enum CredentialCheck
{
    Ok,
    UnknownDevice,
    WrongSecret,
    Revoked,
}

/// <summary>Source-generated JSON for devices.json.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<DeviceCredential>))]
internal sealed partial class CredentialJsonContext : JsonSerializerContext;
