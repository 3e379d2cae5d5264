using Edge.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Security;

/// <summary>Registers device authentication, topic ACLs and the revocation watcher for the ingest.</summary>
internal static class SecurityServices
{
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(new DeviceCredentialStore(settings.Storage.Path));
        services.AddSingleton(new TopicAcl(settings.Mqtt.Acl.Rules));
        services.AddSingleton(sp => new FailedAuthLimiter(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RefusalLogThrottle>();
        services.AddSingleton<ConnectionAuthenticator>();
        services.AddSingleton<PublishAuthorizer>();
        services.AddSingleton<RevocationWatcher>();
        return services;
    }
}
