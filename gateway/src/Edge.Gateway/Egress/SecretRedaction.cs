namespace Edge.Gateway.Egress;

/// <summary>
/// Keeps Kafka credentials out of logs and error lines: librdkafka's messages may echo a property's value.
/// Secrets belong in the environment (<c>Kafka__Producer__sasl.password=...</c>), never in files or logs.
/// </summary>
internal static class SecretRedaction
{
    private static readonly string[] SecretMarkers = ["password", "secret", "sasl.jaas", "sasl.oauthbearer.config", "ssl.key.pem", "ssl.keystore"];

    /// <summary>True for producer properties whose values are credentials.</summary>
    public static bool IsSecret(string property) => SecretMarkers.Any(m => property.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>Replaces every secret property's value inside <paramref name="text"/> with ***.</summary>
    public static string Redact(string text, IReadOnlyDictionary<string, string> producerProperties)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(producerProperties);
        foreach (var (name, value) in producerProperties)
        {
            if (IsSecret(name) && value.Length > 0)
            {
                text = text.Replace(value, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
