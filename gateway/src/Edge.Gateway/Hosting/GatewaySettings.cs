using System.Net;
using System.Text.RegularExpressions;
using Edge.Gateway.Egress;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Hosting;

/// <summary>
/// All of the gateway's configuration, bound from appsettings.json, environment variables (<c>Mqtt__Port</c>) and
/// the command line (<c>--Mqtt:Port=1884</c>), then validated. Every problem names its key.
/// </summary>
internal sealed partial class GatewaySettings
{
    public GatewayOptions Gateway { get; } = new();

    public MqttOptions Mqtt { get; } = new();

    public StorageOptions Storage { get; } = new();

    public KafkaOptions Kafka { get; } = new();

    public HttpOptions Http { get; } = new();

    public SntpOptions Sntp { get; } = new();

    /// <summary>Checks for unknown sections and misspelt variables, binds and validates; throws <see cref="ConfigurationException"/> naming the first bad key.</summary>
    public static GatewaySettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ConfigurationKeyCheck.Check(configuration); // sections the binder would never look at
        var settings = new GatewaySettings();
        Bind(configuration, "Gateway", settings.Gateway);
        Bind(configuration, "Mqtt", settings.Mqtt);
        Bind(configuration, "Storage", settings.Storage);
        Bind(configuration, "Kafka", settings.Kafka);
        Bind(configuration, "Http", settings.Http);
        Bind(configuration, "Sntp", settings.Sntp);
        settings.Validate();
        return settings;
    }

    private static void Bind(IConfiguration configuration, string section, object target)
    {
        try
        {
            configuration.GetSection(section).Bind(target, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The binder says "Failed to convert configuration value at 'Mqtt:Port' to type 'System.Int32'." or
            // "'Prot' was not found on type '...MqttOptions'"; name the key for the one-line start-up error.
            var at = KeyInMessage().Match(e.Message);
            var unknown = UnknownKeyInMessage().Match(e.Message);
            if (at.Success)
            {
                throw new ConfigurationException(at.Groups[1].Value, $"invalid value '{configuration[at.Groups[1].Value]}': {e.InnerException?.Message ?? e.Message}");
            }

            if (unknown.Success)
            {
                throw new ConfigurationException($"{section}:{unknown.Groups[1].Value}", "unknown key (a typo?); see docs/operations.md for every key");
            }

            throw new ConfigurationException(section, e.Message);
        }
    }

    [GeneratedRegex("at '([^']+)'")]
    private static partial Regex KeyInMessage();

    [GeneratedRegex("not found on the instance of [^:]+: '([^']+)'")]
    private static partial Regex UnknownKeyInMessage();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}$")]
    private static partial Regex KafkaTopicPattern();

    private void Validate()
    {
        Require(IdPattern().IsMatch(Gateway.Id ?? ""), "Gateway:Id", $"must be 1-64 characters of A-Z a-z 0-9 . _ - (was '{Gateway.Id}')");
        Require(Gateway.StatusIntervalSeconds >= 0, "Gateway:StatusIntervalSeconds", "must be 0 (off) or more");

        Require(Mqtt.Port is > 0 and <= 65535, "Mqtt:Port", $"must be between 1 and 65535 (was {Mqtt.Port})");
        Require(IPAddress.TryParse(Mqtt.BindAddress, out _), "Mqtt:BindAddress", $"must be an IP address (was '{Mqtt.BindAddress}')");
        Require(Mqtt.MaxPayloadBytes is > 0 and <= 16 * 1024 * 1024, "Mqtt:MaxPayloadBytes", $"must be between 1 and 16777216 (was {Mqtt.MaxPayloadBytes})");
        if (Mqtt.ValidateLimits() is { } limit)
        {
            throw new ConfigurationException(limit.Key, limit.Problem);
        }

        if (Mqtt.Tls.Validate(Storage.Path) is { } tls)
        {
            throw new ConfigurationException(tls.Key, tls.Problem);
        }

        for (var i = 0; i < Mqtt.Acl.Rules.Count; i++)
        {
            var rule = Mqtt.Acl.Rules[i];
            Require(IdPattern().IsMatch(rule.Device ?? ""), $"Mqtt:Acl:Rules:{i}:Device", $"must be a device id (was '{rule.Device}')");
            foreach (var (filter, j) in rule.Publish.Select((f, j) => (f, j)).Concat(rule.Subscribe.Select((f, j) => (f, j + 1000))))
            {
                var problem = TopicFilter.Validate(filter);
                Require(problem is null, $"Mqtt:Acl:Rules:{i}:{(j < 1000 ? "Publish" : "Subscribe")}:{j % 1000}", problem ?? "");
            }
        }

        Require(Http.Port is > 0 and <= 65535, "Http:Port", $"must be between 1 and 65535 (was {Http.Port})");
        Require(IPAddress.TryParse(Http.BindAddress, out _), "Http:BindAddress", $"must be an IP address (was '{Http.BindAddress}')");
        Require(Mqtt.FullRetryDelayMilliseconds is >= 0 and <= 60_000, "Mqtt:FullRetryDelayMilliseconds", "must be between 0 and 60000");

        Require(!string.IsNullOrWhiteSpace(Storage.Path), "Storage:Path", "must name a directory");
        Require(Storage.MaxBytes >= 1 << 20, "Storage:MaxBytes", $"must be at least 1048576 (1 MiB) (was {Storage.MaxBytes})");
        Require(Storage.SegmentBytes >= 64 * 1024, "Storage:SegmentBytes", $"must be at least 65536 (was {Storage.SegmentBytes})");
        Require(Storage.SegmentBytes <= Storage.MaxBytes / 4, "Storage:SegmentBytes", $"must be at most Storage:MaxBytes / 4 = {Storage.MaxBytes / 4} so that dropping or deleting a segment frees space (was {Storage.SegmentBytes})");
        Require(Enum.IsDefined(Storage.WhenFull), "Storage:WhenFull", "must be Reject or DropOldest");
        Require(Storage.IoErrorExitSeconds is >= 0 and <= 3600, "Storage:IoErrorExitSeconds", $"must be between 0 and 3600 (was {Storage.IoErrorExitSeconds})");
        Require(Storage.PreallocateBytes is >= 0 and <= Edge.Gateway.Log.DurableLogOptions.MaxPreallocateBytes && Storage.PreallocateBytes % 4096 == 0, "Storage:PreallocateBytes", $"must be 0 or a multiple of 4096 up to {Edge.Gateway.Log.DurableLogOptions.MaxPreallocateBytes} (was {Storage.PreallocateBytes})");
        Require(Storage.CommitWindowMilliseconds >= 0 && Storage.CommitWindowMilliseconds <= Edge.Gateway.Log.DurableLogOptions.MaxCommitWindow.TotalMilliseconds, "Storage:CommitWindowMilliseconds", $"must be between 0 and {Edge.Gateway.Log.DurableLogOptions.MaxCommitWindow.TotalMilliseconds} (was {Storage.CommitWindowMilliseconds})");
        Require(Storage.FollowUpWindowMilliseconds >= 0 && Storage.FollowUpWindowMilliseconds <= Edge.Gateway.Log.DurableLogOptions.MaxCommitWindow.TotalMilliseconds, "Storage:FollowUpWindowMilliseconds", $"must be between 0 and {Edge.Gateway.Log.DurableLogOptions.MaxCommitWindow.TotalMilliseconds} (was {Storage.FollowUpWindowMilliseconds})");
        Require(Diagnostics.SdCardClass.Find(Storage.CardClass) is not null, "Storage:CardClass", $"must be one of {string.Join(", ", Diagnostics.SdCardClass.Known.Select(c => c.Name))} (was '{Storage.CardClass}')");
        Require(Storage.CardEnduranceTbw is null or (> 0 and <= 1_000_000), "Storage:CardEnduranceTbw", $"must be a number of terabytes written above 0 and at most 1000000 (was {Storage.CardEnduranceTbw})");
        Require(Mqtt.MaxPayloadBytes + 132_000 <= Storage.SegmentBytes, "Mqtt:MaxPayloadBytes", "plus topic and client id must fit in one Storage:SegmentBytes");

        Require(KafkaTopicPattern().IsMatch(Kafka.Topic ?? ""), "Kafka:Topic", $"must be a Kafka topic name: 1-249 of A-Z a-z 0-9 . _ - (was '{Kafka.Topic}')");
        Require(Kafka.ShutdownTimeoutSeconds is >= 0 and <= 3600, "Kafka:ShutdownTimeoutSeconds", "must be between 0 and 3600");
        Require(Kafka.DevBrokers is >= 1 and <= 9, "Kafka:DevBrokers", "must be between 1 and 9");
        Require(Kafka.DevPartitions is >= 1 and <= 1000, "Kafka:DevPartitions", "must be between 1 and 1000");
        for (var i = 0; i < Kafka.Routes.Count; i++)
        {
            var route = Kafka.Routes[i];
            var key = $"Kafka:Routes:{i}";
            var problem = TopicFilter.Validate(route.MqttFilter);
            Require(problem is null, key + ":MqttFilter", problem ?? "");
            Require(route.Topic is null || KafkaTopicPattern().IsMatch(route.Topic), key + ":Topic", $"must be a Kafka topic name (was '{route.Topic}')");
            var keyProblem = route.Key is null ? null : KeyTemplate.Validate(route.Key);
            Require(keyProblem is null, key + ":Key", keyProblem ?? "");
        }

        foreach (var (name, value) in Kafka.Producer)
        {
            Require(!ProducerSettings.Enforced.ContainsKey(name) || ProducerSettings.Enforced[name] == value,
                "Kafka:Producer:" + name,
                $"cannot be changed: the delivery promise needs {name}={(ProducerSettings.Enforced.TryGetValue(name, out var v) ? v : "")}");
        }

        // Against the producer's effective limit (librdkafka's default when not set), not only an explicit one.
        var max = ProducerSettings.EffectiveMessageMaxBytes(Kafka.Producer);
        Require(Mqtt.MaxPayloadBytes + ProducerSettings.RecordOverheadBytes <= max, "Mqtt:MaxPayloadBytes", $"({Mqtt.MaxPayloadBytes}) plus {ProducerSettings.RecordOverheadBytes} bytes of key and headers must fit in Kafka:Producer:message.max.bytes ({max}{(Kafka.Producer.ContainsKey("message.max.bytes") ? "" : ", librdkafka's default")}), or accepted messages could never be delivered; lower Mqtt:MaxPayloadBytes or raise Kafka:Producer:message.max.bytes");
        Require(KafkaTopicPattern().IsMatch(Kafka.DeadLetterTopic ?? ""), "Kafka:DeadLetterTopic", $"must be a Kafka topic name: 1-249 of A-Z a-z 0-9 . _ - (was '{Kafka.DeadLetterTopic}')");
        Require(Kafka.PresenceTopic is not null && (Kafka.PresenceTopic.Length == 0 || KafkaTopicPattern().IsMatch(Kafka.PresenceTopic)), "Kafka:PresenceTopic", $"must be a Kafka topic name, or empty for no presence records (was '{Kafka.PresenceTopic}')");
        if (Kafka.Commands.Validate() is { } commands)
        {
            throw new ConfigurationException(commands.Key, commands.Problem);
        }

        if (Kafka.Desired.Validate() is { } desired)
        {
            throw new ConfigurationException(desired.Key, desired.Problem);
        }

        if (Sntp.Validate() is { } sntp)
        {
            throw new ConfigurationException(sntp.Key, sntp.Problem);
        }

        Require(Enum.IsDefined(Kafka.Delivery), "Kafka:Delivery", $"must be ExactlyOnce or AtLeastOnce (was '{Kafka.Delivery}')");
        Require(Kafka.ReadBackMaxRecords is >= 1 and <= 100_000_000, "Kafka:ReadBackMaxRecords", $"must be between 1 and 100000000 (was {Kafka.ReadBackMaxRecords})");
        Require(Kafka.StallSeconds is >= 1 and <= 86_400, "Kafka:StallSeconds", $"must be between 1 and 86400 (was {Kafka.StallSeconds})");
    }

    private static void Require(bool condition, string key, string problem)
    {
        if (!condition)
        {
            throw new ConfigurationException(key, problem);
        }
    }
}
