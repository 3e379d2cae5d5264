namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>How <see cref="PowerLossGateway.StartAsync(PowerLossGatewayOptions)"/> sets up the mount, Kafka and the gateway.</summary>
internal sealed class PowerLossGatewayOptions
{
    /// <summary>Brokers of the mock cluster; also each topic's replication factor. Default 1.</summary>
    public int Brokers { get; init; } = 1;

    /// <summary>Topics to create; null (the default) creates <see cref="PowerLossGateway.GatewayTopics"/>.</summary>
    public IReadOnlyList<string>? Topics { get; init; }

    /// <summary>Partitions of each topic. Default 1.</summary>
    public int Partitions { get; init; } = 1;

    /// <summary>The gateway's <c>Storage:Path</c>, relative to the mount. Default <c>data</c>.</summary>
    public string StoragePath { get; init; } = "data";

    /// <summary>
    /// True (the default): the test creates the data directory and syncs it up to the mount (the durable-setup path);
    /// false: the gateway creates <see cref="StoragePath"/> itself (a new install).
    /// </summary>
    public bool CreateDataDirectory { get; init; } = true;

    /// <summary>crashfs's delay on every fsync from the mount on (an SD card). Default none.</summary>
    public TimeSpan FsyncDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Extra gateway arguments (<c>--Key=value</c>). Default none.</summary>
    public IReadOnlyList<string> GatewayArguments { get; init; } = [];
}
