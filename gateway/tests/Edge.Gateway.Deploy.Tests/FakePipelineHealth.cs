using System.Threading.Channels;
using Edge.Gateway.Diagnostics;

namespace Edge.Gateway.Deploy.Tests;

/// <summary>A pipeline whose stall the test sets; every check is reported so the test can step the watchdog's loop.</summary>
internal sealed class FakePipelineHealth : IPipelineHealth
{
    private readonly Channel<bool> _checks = Channel.CreateUnbounded<bool>();
    private volatile string? _stall;

    /// <summary>What <see cref="FindStall"/> answers; null = moving.</summary>
    public string? Stall
    {
        get => _stall;
        set => _stall = value;
    }

    public TimeSpan LastTolerance { get; private set; }

    public string? FindStall(TimeSpan tolerance)
    {
        LastTolerance = tolerance;
        var stall = Stall;
        _checks.Writer.TryWrite(true);
        return stall;
    }

    /// <summary>Waits until the watchdog checked the pipeline once more.</summary>
    public async Task NextCheckAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await _checks.Reader.ReadAsync(timeout.Token);
    }
}
