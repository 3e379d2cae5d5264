namespace Edge.Gateway.Security;

/// <summary>One provisioned device: its id and the salted PBKDF2 hash of its secret (never the secret).</summary>
internal sealed record DeviceCredential(string Id, string Salt, string Hash, int Iterations, DateTimeOffset Created, DateTimeOffset? Revoked);
