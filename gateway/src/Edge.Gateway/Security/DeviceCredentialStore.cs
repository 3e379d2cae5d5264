using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Gateway.Security;

/// <summary>
/// The device credentials file, <c>devices.json</c> under <c>Storage:Path</c> (mode 0600), written atomically
/// (temp file, fsync, rename). Secrets are 32 random bytes shown once by <c>device add</c>; only a salted
/// PBKDF2-SHA256 hash is stored. The gateway re-reads the file when it changes, so <c>device add</c> and
/// <c>device revoke</c> take effect for new connections without a restart. A file that cannot be read or parsed
/// fails the constructor (<see cref="CredentialsFileException"/>); once loaded, a later bad version (a half-finished
/// hand edit, a copy gone wrong) keeps the last good credentials in force and is reported by <see cref="Problem"/>;
/// writes (<see cref="Add"/>, <see cref="Revoke"/>) refuse to replace it. Thread-safe.
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
    private string? _problem;
    private long _generation;

    /// <exception cref="CredentialsFileException">devices.json exists but cannot be read or is invalid.</exception>
    public DeviceCredentialStore(string storagePath)
    {
        // 'device add' may run before the gateway ever started: the new data directory must survive a power cut.
        Edge.Storage.DurableDirectory.Create(storagePath);
        _path = Path.Combine(storagePath, FileName);
        _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
        _devices = DeviceCredentialsFile.Read(_path);
    }

    /// <summary>The file this store reads and writes.</summary>
    public string FilePath => _path;

    /// <summary>
    /// Counts the credential sets this store has loaded or written. Any read of the store may be the one that notices a
    /// change of the file (a login re-reads it too), so a watcher compares generations rather than relying on its own
    /// <see cref="RefreshIfChanged"/> being the first to see it.
    /// </summary>
    public long Generation
    {
        get
        {
            lock (_gate)
            {
                return _generation;
            }
        }
    }

    /// <summary>
    /// Null while the file as it is now was loaded; otherwise why its current version was rejected (the credentials
    /// loaded before stay in force until a valid version appears).
    /// </summary>
    public string? Problem
    {
        get
        {
            lock (_gate)
            {
                return _problem;
            }
        }
    }

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
            ReloadForWrite();
            if (_devices.TryGetValue(id, out var existing) && existing.Revoked is null && existing.Hash.Length > 0 && !rotate)
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
            ReloadForWrite();
            _devices.TryGetValue(id, out var device);
            var now = DateTimeOffset.UtcNow;
            _devices[id] = device is null ? new DeviceCredential(id, "", "", 0, now, now) : device with { Revoked = device.Revoked ?? now };
            Save();
            return device is { Hash.Length: > 0 }; // a certificate-only entry (from 'cert device') has no secret either
        }
    }

    /// <summary>
    /// Records that a client certificate was issued for the device (<c>cert device ID</c>): the id is provisioned
    /// from now on, so it is never handed to an anonymous client. Keeps an existing secret or revocation.
    /// </summary>
    public void RecordCertificate(string id)
    {
        lock (_gate)
        {
            using var fileLock = AcquireFileLock();
            ReloadForWrite();
            if (!_devices.ContainsKey(id))
            {
                _devices[id] = new DeviceCredential(id, "", "", 0, DateTimeOffset.UtcNow, null);
                Save();
            }
        }
    }

    /// <summary>True when devices.json has an entry for the id (with a secret, a certificate only, or revoked).</summary>
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

        var fingerprint = Fingerprint(device, secret);
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

    /// <summary>
    /// True when this exact secret was verified for the device before (a cache hit: no PBKDF2 work, and nothing an
    /// attacker can guess with). Lets known devices log in while the gateway-wide failure cap throttles the rest.
    /// </summary>
    public bool IsKnownSecret(string id, string? secret)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            return !string.IsNullOrEmpty(secret) && _devices.TryGetValue(id, out var device) && device.Revoked is null && device.Hash.Length > 0
                && _verified.TryGetValue(id, out var known) && CryptographicOperations.FixedTimeEquals(known, Fingerprint(device, secret));
        }
    }

    private static byte[] Fingerprint(DeviceCredential device, string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(device.Hash + "\n" + secret));

    private static byte[] Hash(string secret, byte[] salt, int iterations)
        => Rfc2898DeriveBytes.Pbkdf2(secret, salt, iterations, HashAlgorithmName.SHA256, 32);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private bool ReloadIfChanged()
    {
        // One stat per check (a missing file reads as 1601-01-01, as the constructor records it).
        var writeTime = File.GetLastWriteTimeUtc(_path);
        if (writeTime == _loadedWriteTime)
        {
            return false;
        }

        // Recorded even when the version is rejected: it is parsed once, not on every login, until it changes again.
        _loadedWriteTime = writeTime;
        try
        {
            _devices = DeviceCredentialsFile.Read(_path);
            _problem = null;
        }
        catch (CredentialsFileException e)
        {
            _problem = e.Problem;
            return false;
        }

        _verified.Clear();
        _generation++;
        return true;
    }

    // A read-modify-write must start from the file as it is: never replace a file this store could not read.
    private void ReloadForWrite()
    {
        ReloadIfChanged();
        if (_problem is not null)
        {
            throw new CredentialsFileException(_path, _problem);
        }
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
        _generation++;
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
[JsonSerializable(typeof(List<DeviceCredential?>))]
internal sealed partial class CredentialJsonContext : JsonSerializerContext;
