using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Egress;

/// <summary>Log messages of the egress, source-generated.</summary>
internal sealed partial class KafkaEgressService
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka egress producing from log offset {Offset} to {Bootstrap}")]
    private partial void LogStarting(long offset, string bootstrap);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka delivery failed; re-sending from log offset {Offset} in {DelayMs} ms")]
    private partial void LogRewinding(long offset, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka egress session ended: acknowledged up to offset {Offset}, {InFlight} still in flight (they will be re-sent)")]
    private partial void LogSessionEnded(long offset, int inFlight);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Kafka egress failed")]
    private partial void LogFatal(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Produce failed: {Code} {Reason}")]
    private partial void LogProduceFailed(ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to {Partition} failed: {Code} {Reason}")]
    private partial void LogDeliveryFailed(string partition, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log record {Offset} was in a batch Kafka refused for good; sending it alone to {Topic} to find out whether it is the cause")]
    private partial void LogIsolating(long offset, string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka {Level} {Facility}: {Text}")]
    private partial void LogLibrdkafka(SyslogLevel level, string facility, string text);
}
