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
    /// PBKDF2-SHA256 iterations, chosen deliberately below the ~600k recommended for human passwords. Device
    /// secrets are 256 bits from the OS RNG: nobody can guess one, so iterations add nothing against a stolen
    /// devices.json (brute force of 2^256 is out of reach with or without them); they only cost the gateway CPU.
    /// Measured on the 2-core build VM (busy): 10,000 iterations take 4-6 ms per verify, 100,000 take 33-50 ms.
    /// A Raspberry Pi is 5-10x slower: after a site power return 1,000 boards reconnect at once against a freshly
    /// started gateway (empty cache), i.e. ~30-60 s of CPU spread over 4 cores at 10,000 iterations, versus 5-8
    /// minutes at 100,000, during which devices time out and retry. Each record stores its own iteration count,
    /// so this can be raised later without invalidating provisioned devices. Successful checks are also cached
    /// (see <see cref="Verify"/>), which makes keep-alive reconnects of a flaky Wi-Fi board free.
    /// </summary>
    public const int Iterations = 10_000;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private const string FileName = "devices.json";
    private readonly string _path;
    private readonly object _gate = new();
    private readonly Dictionary<string, byte[]> _verified = new(StringComparer.Ordinal);
    private Dictionary<string, DeviceCredential> _devices = new(StringComparer.Ordinal);
    private DateTime _loadedWriteTime;

    public DeviceCredentialStore(string storagePath)
    {
        // 'device add' may run before the gateway ever started: the new data directory must survive a power cut.
        Edge.Storage.DurableDirectory.Create(storagePath);
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
            using var fileLock = AcquireFileLock();
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

    /// <summary>
    /// Marks a device revoked: it can no longer connect, with its secret or with a client certificate, and the
    /// running gateway disconnects it. An id with no secret (a device that only has a client certificate) is
    /// recorded as revoked too; returns false in that case so the CLI can say so.
    /// </summary>
    public bool Revoke(string id)
    {
        lock (_gate)
        {
            using var fileLock = AcquireFileLock();
            ReloadIfChanged();
            var known = _devices.TryGetValue(id, out var device);
            var now = DateTimeOffset.UtcNow;
            _devices[id] = device is null ? new DeviceCredential(id, "", "", 0, now, now) : device with { Revoked = device.Revoked ?? now };
            Save();
            return known;
        }
    }

    /// <summary>True when devices.json has an entry for the id (active or revoked).</summary>
    public bool IsProvisioned(string id)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            return _devices.ContainsKey(id);
        }
    }

    /// <summary>True when the device is marked revoked (client-certificate logins check this).</summary>
    public bool IsRevoked(string id)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            return _devices.TryGetValue(id, out var device) && device.Revoked is not null;
        }
    }

    /// <summary>
    /// True while a connection authenticated with <paramref name="credentialHash"/> (from <see cref="Verify"/>; empty
    /// for a client certificate) may stay connected: the device is not revoked and its secret was not rotated.
    /// </summary>
    public bool IsStillValid(string id, string credentialHash)
    {
        lock (_gate)
        {
            _devices.TryGetValue(id, out var device);
            return credentialHash.Length == 0
                ? device?.Revoked is null
                : device is { Revoked: null } && string.Equals(device.Hash, credentialHash, StringComparison.Ordinal);
        }
    }

    /// <summary>Re-reads devices.json when its modification time changed; true when it did (cheap: one stat).</summary>
    public bool RefreshIfChanged()
    {
        lock (_gate)
        {
            return ReloadIfChanged();
        }
    }

    /// <summary>Checks a device's secret in constant time; caches successes so reconnect storms stay cheap.</summary>
    public CredentialCheck Verify(string id, string? secret) => Verify(id, secret, out _);

    /// <summary>As <see cref="Verify(string, string?)"/>; on success also returns the stored hash the secret matched.</summary>
    public CredentialCheck Verify(string id, string? secret, out string credentialHash)
    {
        credentialHash = "";
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

        if (string.IsNullOrEmpty(secret) || device.Hash.Length == 0)
        {
            return CredentialCheck.WrongSecret;
        }

        var fingerprint = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(device.Hash + "\n" + secret));
        lock (_gate)
        {
            if (_verified.TryGetValue(id, out var known) && CryptographicOperations.FixedTimeEquals(known, fingerprint))
            {
                credentialHash = device.Hash;
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

        credentialHash = device.Hash;
        return CredentialCheck.Ok;
    }

    private static byte[] Hash(string secret, byte[] salt, int iterations)
        => Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, 32);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private bool ReloadIfChanged()
    {
        // One stat per check (a missing file reads as 1601-01-01, which Reload records the same way).
        if (File.GetLastWriteTimeUtc(_path) == _loadedWriteTime)
        {
            return false;
        }

        Reload();
        return true;
    }

    private void Reload()
    {
        _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
        if (!File.Exists(_path))
        {
            _devices = new(StringComparer.Ordinal);
            return;
        }

        List<DeviceCredential> list;
        try
        {
            list = JsonSerializer.Deserialize(File.ReadAllText(_path), CredentialJsonContext.Default.ListDeviceCredential) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"'{_path}' is not a valid device credentials file: {e.Message}", e);
        }

        _devices = list.ToDictionary(d => d.Id, StringComparer.Ordinal);
        _verified.Clear();
    }

    private void Save()
    {
        // A fresh temp name each time: a stale or planted file cannot lend its permissions or contents.
        var temp = $"{_path}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}.tmp";
        var json = JsonSerializer.SerializeToUtf8Bytes([.. _devices.Values.OrderBy(d => d.Id, StringComparer.Ordinal)], CredentialJsonContext.Default.ListDeviceCredential);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(json);
                Edge.Storage.FileSync.FlushData(stream); // FileStream.Flush(true) ignores an EIO from fsync.
            }

            FileOwnership.MatchOwner(Path.GetDirectoryName(_path)!, temp, _path + ".lock");
            File.Move(temp, _path, overwrite: true);
            Edge.Storage.FileSync.FlushDirectory(Path.GetDirectoryName(_path)!); // The rename is durable only now.
        }
        finally
        {
            File.Delete(temp);
        }

        _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
        _verified.Clear();
    }

    // Two installers running 'device add' at once must not lose one device: the read-modify-write of the CLI runs
    // under an exclusive lock on devices.json.lock (flock on Linux). The gateway only reads and never takes it.
    private FileStream AcquireFileLock()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var deadline = Environment.TickCount64 + (long)LockTimeout.TotalMilliseconds;
        while (true)
        {
            try
            {
                return new FileStream(_path + ".lock", options);
            }
            catch (IOException) when (Environment.TickCount64 < deadline)
            {
                Thread.Sleep(50);
            }
        }
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
