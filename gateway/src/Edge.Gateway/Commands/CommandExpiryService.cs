using Edge.Gateway.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Edge.Gateway.Commands;

/// <summary>Once a second: <see cref="CommandStore.MaintainAsync"/> (TTL expiry, result retries, checkpoint). An I/O error of the store stops the gateway (exit 74).</summary>
internal sealed partial class CommandExpiryService : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly CommandStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<CommandExpiryService> _logger;
    private readonly IHostApplicationLifetime _lifetime;

    public CommandExpiryService(CommandStore store, TimeProvider time, ILogger<CommandExpiryService> logger, IHostApplicationLifetime lifetime)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _lifetime = lifetime;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await _store.MaintainAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            LogStoreFailed(e);
            Environment.ExitCode = ExitCodes.IoError;
            _lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "STORAGE I/O ERROR: the command store failed; stopping")]
    private partial void LogStoreFailed(Exception exception);
}
