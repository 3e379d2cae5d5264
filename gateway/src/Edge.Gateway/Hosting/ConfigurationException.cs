namespace Edge.Gateway.Hosting;

/// <summary>Invalid configuration. The message names the key (e.g. <c>Mqtt:Port</c>) and the problem.</summary>
internal sealed class ConfigurationException : Exception
{
    public ConfigurationException(string key, string problem)
        : base($"{key}: {problem}")
    {
        Key = key;
    }

    public ConfigurationException()
    {
        Key = "";
    }

    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Key = "";
    }

    /// <summary>The configuration key at fault, in <c>Section:Name</c> form.</summary>
    public string Key { get; }
}
