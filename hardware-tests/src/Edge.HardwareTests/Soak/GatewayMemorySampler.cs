using System.Diagnostics;
using System.Globalization;

namespace Edge.HardwareTests.Soak;

/// <summary>
/// Scrapes the gateway's /metrics every <see cref="SoakLimits.Interval"/> during a soak and keeps what it saw
/// (<see cref="MemorySample"/>). A scrape that fails (the gateway is restarting after a power cut) is skipped. Logs one
/// line a minute so a long soak shows its memory as it goes. Start once, stop once; thread-safe reads of the samples.
/// </summary>
internal sealed class GatewayMemorySampler : IAsyncDisposable
{
    private const double Mb = 1024 * 1024;
    private readonly Uri _metrics;
    private readonly SoakLimits _limits;
    private readonly Action<string> _log;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly List<MemorySample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = new();
    private Task? _loop;

    public GatewayMemorySampler(Uri metrics, SoakLimits limits, Action<string> log)
    {
        _metrics = metrics;
        _limits = limits;
        _log = log;
    }

    /// <summary>What was sampled so far, oldest first.</summary>
    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public void Start()
    {
        _clock.Start();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Stops sampling and judges what was sampled.</summary>
    public async Task<MemoryTrend> StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        return MemoryTrend.Analyze(Samples, _limits);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _http.Dispose();
        _stop.Dispose();
    }

    /// <summary>One sample from a /metrics text; null when a metric the soak needs is missing (an older gateway).</summary>
    internal static MemorySample? Read(string text, TimeSpan elapsed)
    {
        if (PrometheusText.Value(text, "process_working_set_bytes") is not { } rss
            || PrometheusText.Value(text, "edge_gc_heap_bytes") is not { } heap
            || PrometheusText.Value(text, "process_open_handles") is not { } fds)
        {
            return null;
        }

        return new MemorySample(elapsed, rss / Mb, heap / Mb, fds, PrometheusText.Value(text, "process_start_time_seconds") ?? 0);
    }

    private async Task RunAsync(CancellationToken token)
    {
        var nextLog = TimeSpan.Zero;
        using var timer = new PeriodicTimer(_limits.Interval);
        var missing = false;
        do
        {
            string text;
            try
            {
                text = await _http.GetStringAsync(_metrics, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                continue; // restarting, or too busy to answer in time: the next tick tries again
            }

            var elapsed = _clock.Elapsed;
            if (Read(text, elapsed) is not { } sample)
            {
                if (!missing)
                {
                    missing = true;
                    _log($"memory: {_metrics} lacks process_working_set_bytes / edge_gc_heap_bytes / process_open_handles: not sampled");
                }

                continue;
            }

            lock (_samples)
            {
                _samples.Add(sample);
            }

            if (elapsed >= nextLog)
            {
                nextLog = elapsed + TimeSpan.FromMinutes(1);
                _log(string.Create(CultureInfo.InvariantCulture, $"memory at {elapsed.TotalMinutes:0.0} min: RSS {sample.RssMb:0.0} MB, GC heap {sample.HeapMb:0.0} MB, fds {sample.FileDescriptors:0}"));
            }
        }
        while (await NextTickAsync(timer, token));
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
