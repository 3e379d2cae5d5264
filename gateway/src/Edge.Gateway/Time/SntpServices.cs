using Edge.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Gateway.Time;

/// <summary>Registers the SNTP server when <c>Sntp:Enabled</c> is true.</summary>
internal static class SntpServices
{
    public static IServiceCollection AddSntp(this IServiceCollection services, GatewaySettings settings)
    {
        if (settings.Sntp.Enabled)
        {
            services.AddSingleton<SntpResponder>();
            services.AddHostedService(sp => sp.GetRequiredService<SntpResponder>());
        }

        return services;
    }
}
