using Edge.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Tests;

/// <summary>The fully commented sample config in gateway/deploy must stay loadable and valid.</summary>
public sealed class SampleConfigTests
{
    [Fact]
    public void SampleConfig_Loads_WithEveryDocumentedSection()
    {
        var path = Path.Combine(RepositoryRoot(), "gateway", "deploy", "appsettings.sample.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();

        var settings = GatewaySettings.Load(configuration);

        Assert.Equal("site-1-gw", settings.Gateway.Id);
        Assert.Equal(2, settings.Kafka.Routes.Count);
        Assert.Equal("SASL_SSL", settings.Kafka.Producer["security.protocol"]);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Edge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Edge.sln not found above " + AppContext.BaseDirectory);
    }
}
