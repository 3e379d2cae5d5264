using Confluent.Kafka;
using Edge.Gateway.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>
/// The loop both downlink consumers share (commands, desired state): reads a batch of records, hands each to a handler
/// in order, waits until every record's handling is durable, then commits per partition up to the first record the
/// handler could not take now (that one and what follows are read again after a pause). Commits are manual only: never
/// before the records are durable, never on a timer.
/// </summary>
/// <remarks>
/// Kafka errors (a missing topic, a broker down) are logged at most every 30 s, fatal ones always, and reading goes on
/// (librdkafka retries); a failed commit is such an error: the records are read again later and the handlers recognise
/// them. A storage failure of a handler (<see cref="IOException"/>, <see cref="UnauthorizedAccessException"/>) stops the
/// gateway with exit 74 without committing, so the records are read again after the restart. One thread (long-running).
/// </remarks>
internal sealed partial class DurableTopicReader
{
    private const int MaxBatch = 500;
    private const long ErrorLogIntervalMs = 30_000;
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    private readonly string _name;
    private readonly ConsumerConfig _config;
    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime _lifetime;
    private long _lastErrorLogMs = long.MinValue / 2;

    /// <param name="name">Who reads, for the log (<c>Commands</c>, <c>Desired state</c>).</param>
    /// <param name="config">The consumer's configuration; auto commit must be off.</param>
    /// <param name="topic">The topic to subscribe to.</param>
    /// <param name="logger">The owning service's logger.</param>
    /// <param name="lifetime">Stopped on a storage failure.</param>
    public DurableTopicReader(string name, ConsumerConfig config, string topic, ILogger logger, IHostApplicationLifetime lifetime)
    {
        if (config.EnableAutoCommit != false)
        {
            throw new ArgumentException("a durable reader commits by hand: enable.auto.commit must be false", nameof(config));
        }

        _name = name;
        _config = config;
        _topic = topic;
        _logger = logger;
        _lifetime = lifetime;
    }

    /// <summary>Reads until <paramref name="stoppingToken"/> is cancelled, on a thread of its own.</summary>
    /// <param name="handle">
    /// Decides one record synchronously (in the order read) and returns a task that completes with true once that
    /// decision is durable, or false when the record cannot be taken now (it is read again after a pause).
    /// </param>
    /// <param name="onRetry">Called before that pause (to say why).</param>
    /// <param name="stoppingToken">Stops reading; uncommitted records are read again by the next start.</param>
    public Task RunAsync(Func<ConsumeResult<byte[]?, byte[]?>, Task<bool>> handle, Action onRetry, CancellationToken stoppingToken)
        => Task.Factory.StartNew(() => Run(handle, onRetry, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(Func<ConsumeResult<byte[]?, byte[]?>, Task<bool>> handle, Action onRetry, CancellationToken stoppingToken)
    {
        try
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(_config)
                .SetErrorHandler((_, error) => OnError(error))
                .SetLogHandler((_, _) => { })
                .Build();
            consumer.Subscribe(_topic);
            LogConsuming(_name, _topic, _config.GroupId);
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = ReadBatch(consumer, stoppingToken);
                if (batch.Count > 0 && !HandleBatch(consumer, batch, handle))
                {
                    onRetry();
                    Thread.Sleep(RetryPause);
                }
            }

            consumer.Close();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStoreFailed(e, _name);
            Environment.ExitCode = ExitCodes.IoError;
            _lifetime.StopApplication();
        }
    }

    private List<ConsumeResult<byte[]?, byte[]?>> ReadBatch(IConsumer<byte[]?, byte[]?> consumer, CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>();
        try
        {
            var first = consumer.Consume(stoppingToken);
            if (first?.Message is null)
            {
                return batch;
            }

            batch.Add(first);
            while (batch.Count < MaxBatch && consumer.Consume(TimeSpan.Zero) is { Message: not null } next)
            {
                batch.Add(next);
            }
        }
        catch (ConsumeException e)
        {
            OnError(e.Error); // e.g. the topic does not exist (yet): keep polling
        }

        return batch;
    }

    // Records are decided in order (so per-device order and the caps hold), their appends share group commits, and the
    // offsets are committed once they are durable. False when a record has to be read again.
    private bool HandleBatch(IConsumer<byte[]?, byte[]?> consumer, List<ConsumeResult<byte[]?, byte[]?>> batch, Func<ConsumeResult<byte[]?, byte[]?>, Task<bool>> handle)
    {
        var handled = batch.Select(r => (Record: r, Done: handle(r))).ToList();
        Task.WhenAll(handled.Select(h => h.Done)).GetAwaiter().GetResult();
        var commits = new List<TopicPartitionOffset>();
        var complete = true;
        foreach (var partition in handled.GroupBy(h => h.Record.TopicPartition))
        {
            TopicPartitionOffset? commit = null;
            foreach (var (record, done) in partition)
            {
                if (!done.Result)
                {
                    consumer.Seek(record.TopicPartitionOffset); // read it (and what follows) again after a pause
                    complete = false;
                    break;
                }

                commit = new TopicPartitionOffset(record.TopicPartition, record.Offset + 1);
            }

            if (commit is not null)
            {
                commits.Add(commit);
            }
        }

        if (commits.Count > 0)
        {
            try
            {
                consumer.Commit(commits);
            }
            catch (KafkaException e)
            {
                OnError(e.Error); // read again later; the handlers recognise what they have
            }
        }

        return complete;
    }

    private void OnError(Error error)
    {
        var now = Environment.TickCount64;
        if (error.IsFatal || now - Interlocked.Read(ref _lastErrorLogMs) >= ErrorLogIntervalMs)
        {
            Interlocked.Exchange(ref _lastErrorLogMs, now);
            LogKafkaError(_name, _topic, error.Code, error.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Name}: consuming {Topic} as group {Group}")]
    private partial void LogConsuming(string name, string topic, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: Kafka error on {Topic}: {Code} {Reason} (logged at most every 30 s)")]
    private partial void LogKafkaError(string name, string topic, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "STORAGE I/O ERROR: {Name}: the store failed; stopping without committing (the records are read again from Kafka after the restart)")]
    private partial void LogStoreFailed(Exception exception, string name);
}
