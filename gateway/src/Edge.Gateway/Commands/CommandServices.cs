using Edge.Gateway.Diagnostics;
using Edge.Gateway.Hosting;
using Edge.Gateway.Ingest;
using Edge.Gateway.Log;
using Edge.Gateway.Presence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>Registers the downlink (command store, delivery, Kafka consumer, expiry) when <c>Kafka:Commands:Enabled</c>, and presence records when <c>Kafka:PresenceTopic</c> is set.</summary>
internal static class CommandServices
{
    public static IServiceCollection AddCommands(this IServiceCollection services, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Kafka.PresenceTopic.Length > 0)
        {
            services.AddSingleton<PresencePublisher>();
            services.AddSingleton<IBrokerExtension>(sp => sp.GetRequiredService<PresencePublisher>());
        }

        if (!settings.Kafka.Commands.Enabled)
        {
            return services;
        }

        services.AddSingleton(sp => new CommandMetrics(sp.GetRequiredService<GatewayMetrics>()));
        services.AddSingleton(sp =>
        {
            var store = CommandStore.Open(settings, sp.GetRequiredService<IDurableLog>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<CommandMetrics>(), sp.GetRequiredService<ILogger<CommandStore>>());
            CommandMetrics.TrackPending(sp.GetRequiredService<GatewayMetrics>(), () => store.Pending);
            return store;
        });
        services.AddSingleton(sp =>
        {
            var credentials = sp.GetRequiredService<Security.DeviceCredentialStore>();
            return new SeenDevices(settings.Storage.Path, settings.Mqtt.MaxUnprovisionedDevices, TimeSpan.FromSeconds(settings.Kafka.Commands.MaxTtlSeconds), credentials.IsProvisioned, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SeenDevices>>());
        });
        services.AddSingleton<CommandDelivery>();
        services.AddSingleton<IBrokerExtension>(sp => sp.GetRequiredService<CommandDelivery>());
        services.AddHostedService<CommandConsumerService>();
        services.AddHostedService<CommandExpiryService>();
        return services;
    }
}
