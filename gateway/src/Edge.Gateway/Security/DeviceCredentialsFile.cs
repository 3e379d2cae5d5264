using System.Text.Json;

namespace Edge.Gateway.Security;

/// <summary>
/// Reads and validates devices.json as a whole: a version with any bad entry is rejected, never half loaded (a
/// hash that is not base64 would otherwise fail every login of that device). Stateless and thread-safe.
/// </summary>
internal static class DeviceCredentialsFile
{
    /// <summary>The devices in the file (none when it does not exist).</summary>
    /// <exception cref="CredentialsFileException">The file cannot be read, is not JSON, or an entry is invalid.</exception>
    public static Dictionary<string, DeviceCredential> Read(string path)
    {
        string json;
        try
        {
            if (!File.Exists(path))
            {
                return new(StringComparer.Ordinal);
            }

            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialsFileException(path, e.Message);
        }

        List<DeviceCredential?>? list;
        try
        {
            list = JsonSerializer.Deserialize(json, CredentialJsonContext.Default.ListDeviceCredential);
        }
        catch (JsonException e)
        {
            throw new CredentialsFileException(path, e.Message);
        }

        if (list is null)
        {
            throw new CredentialsFileException(path, "expected a JSON array of devices, found null");
        }

        var devices = new Dictionary<string, DeviceCredential>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var device = list[i];
            var problem = device is null ? "is null"
                : !Edge.Protocol.Topics.EdgeTopics.IsValidDeviceId(device.Id) ? "has no valid id (1-64 characters of [A-Za-z0-9._-])"
                : devices.ContainsKey(device.Id) ? $"repeats device '{device.Id}'"
                : !IsValidHash(device) ? $"('{device.Id}') has an invalid salt, hash or iterations"
                : null;
            if (problem is not null)
            {
                throw new CredentialsFileException(path, $"entry {i} {problem}");
            }

            devices[device!.Id] = device;
        }

        return devices;
    }

    // A certificate-only or revoked-without-secret entry has no hash at all; otherwise salt and hash must decode.
    private static bool IsValidHash(DeviceCredential device)
    {
        if (device.Hash is null || device.Salt is null)
        {
            return false;
        }

        if (device.Hash.Length == 0)
        {
            return true;
        }

        Span<byte> buffer = stackalloc byte[128];
        return device.Iterations > 0
            && Convert.TryFromBase64String(device.Salt, buffer, out _) && Convert.TryFromBase64String(device.Hash, buffer, out var length) && length == 32;
    }
}
