using Edge.Gateway.Hosting;
using Edge.Gateway.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Twin;

/// <summary>Registers desired state (store, broker extension, Kafka consumer) when <c>Kafka:Desired:Enabled</c>.</summary>
internal static class DesiredStateServices
{
    public static IServiceCollection AddDesiredState(this IServiceCollection services, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Kafka.Desired.Enabled)
        {
            return services;
        }

        services.AddSingleton(sp => new DesiredStateStore(settings.Storage.Path, sp.GetRequiredService<ILogger<DesiredStateStore>>()));
        services.AddSingleton<DesiredStatePublisher>();
        services.AddSingleton<IBrokerExtension>(sp => sp.GetRequiredService<DesiredStatePublisher>());
        services.AddSingleton<DesiredStateMetrics>();
        services.AddHostedService<DesiredStateConsumerService>();
        return services;
    }
}
