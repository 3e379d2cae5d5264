using Edge.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Security;

/// <summary>Registers device authentication and topic ACLs for the ingest.</summary>
internal static class SecurityServices
{
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(new DeviceCredentialStore(settings.Storage.Path));
        services.AddSingleton(new TopicAcl(settings.Mqtt.Acl.Rules));
        services.AddSingleton(sp => new FailedAuthLimiter(sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
