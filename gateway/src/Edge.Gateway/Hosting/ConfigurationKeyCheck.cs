using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Edge.Gateway.Hosting;

/// <summary>
/// Refuses configuration the binder never sees: a section the gateway does not have (<c>--Kafak:BootstrapServers</c>,
/// <c>{"Stroage": {...}}</c>), which binding section by section would silently ignore, and an environment variable
/// that names a gateway key with one underscore (<c>Kafka_BootstrapServers</c> instead of <c>Kafka__BootstrapServers</c>).
/// Unknown keys inside a known section are refused by the binder (<see cref="GatewaySettings"/>).
/// </summary>
/// <remarks>
/// Only the sources an installer writes are checked for unknown sections: the command line and configuration files.
/// The environment holds every variable of the process (PATH, HOME, ...), so there only names that start with a
/// gateway section and one underscore and continue with one of that section's keys are refused; <c>HTTP_PROXY</c>
/// is not a gateway key and passes.
/// </remarks>
internal static class ConfigurationKeyCheck
{
    /// <summary>Top-level sections the gateway reads; <c>Logging</c> is the .NET logging configuration.</summary>
    public static readonly IReadOnlyList<string> Sections = ["Gateway", "Mqtt", "Storage", "Kafka", "Http", "Sntp", "Logging"];

    /// <summary>Throws <see cref="ConfigurationException"/> naming the first unknown section or misspelt variable.</summary>
    public static void Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        foreach (var provider in root.Providers)
        {
            var topLevel = provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase);
            switch (provider)
            {
                case EnvironmentVariablesConfigurationProvider:
                    foreach (var name in topLevel)
                    {
                        if (MisspeltVariable(name) is { } meant)
                        {
                            throw new ConfigurationException(
                                name,
                                $"environment variable with one underscore: the gateway ignores it; name it {meant} (two underscores stand for ':')");
                        }
                    }

                    break;
                case CommandLineConfigurationProvider or FileConfigurationProvider:
                    foreach (var name in topLevel)
                    {
                        if (!Sections.Contains(name, StringComparer.OrdinalIgnoreCase))
                        {
                            throw new ConfigurationException(
                                name,
                                $"unknown section (a typo?) in {Describe(provider)}; the gateway's sections are {string.Join(", ", Sections)} (see docs/operations.md)");
                        }
                    }

                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>For <c>Kafka_BootstrapServers</c> returns <c>Kafka__BootstrapServers</c>; null for names that are not a gateway key.</summary>
    internal static string? MisspeltVariable(string name)
    {
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0 || underscore + 1 >= name.Length || name[underscore + 1] == '_')
        {
            return null;
        }

        var section = name[..underscore];
        var options = typeof(GatewaySettings).GetProperty(section, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (options is null)
        {
            return null;
        }

        var rest = name[(underscore + 1)..];
        var end = rest.IndexOf('_', StringComparison.Ordinal);
        var key = end < 0 ? rest : rest[..end];
        var property = options.PropertyType.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is null ? null : $"{options.Name}__{property.Name}";
    }

    private static string Describe(IConfigurationProvider provider) => provider switch
    {
        CommandLineConfigurationProvider => "the command line",
        FileConfigurationProvider file => $"the configuration file {file.Source.Path}",
        _ => provider.ToString() ?? "configuration",
    };
}
