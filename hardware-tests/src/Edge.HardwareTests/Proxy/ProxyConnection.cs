using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Edge.HardwareTests.Proxy;

/// <summary>
/// One proxied TCP connection: two pumps (device → gateway, gateway → device), each a reader that stamps chunks
/// with their due time (latency) into a bounded channel and a writer that honours blackhole, stall and the
/// bandwidth cap. A full channel stops the reader, so TCP flow control reaches the sender as on a slow link.
/// </summary>
internal sealed class ProxyConnection : IDisposable
{
    private const int ChunkBytes = 4096;
    private readonly Socket _device;
    private readonly Socket _gateway;
    private readonly LinkFaults _route;
    private readonly LinkFaults _all;
    private readonly CancellationTokenSource _cts = new();
    private int _closed;
    private volatile bool _broken;

    public ProxyConnection(Socket device, Socket gateway, LinkFaults route, LinkFaults all)
    {
        _device = device;
        _gateway = gateway;
        _route = route;
        _all = all;
    }

    /// <summary>Completes when both directions ended or the connection was reset.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start()
    {
        var lifetime = _route.NextLifetime() ?? _all.NextLifetime();
        if (lifetime is { } life)
        {
            _ = Task.Delay(life, _cts.Token).ContinueWith(_ => Reset(), TaskScheduler.Default);
        }

        Completion = Task.WhenAll(PumpAsync(_device, _gateway), PumpAsync(_gateway, _device));
    }

    /// <summary>Closes both sides with a TCP RST, as when an access point drops a station.</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _cts.Cancel();
        foreach (var socket in new[] { _device, _gateway })
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        Reset();
        _cts.Dispose();
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var chunks = Channel.CreateBounded<(long Due, byte[] Data)>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var writer = WriteAsync(chunks.Reader, to);
        var buffer = new byte[ChunkBytes];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _cts.Token);
                if (n == 0)
                {
                    break;
                }

                var latency = Max(_route.Latency, _all.Latency);
                await chunks.Writer.WriteAsync((Stopwatch.GetTimestamp() + (long)(latency.TotalSeconds * Stopwatch.Frequency), buffer[..n]), _cts.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or ChannelClosedException)
        {
        }

        chunks.Writer.TryComplete();
        await writer;
        Reset(); // one side ended: a device or gateway that closes is gone for both directions
    }

    private async Task WriteAsync(ChannelReader<(long Due, byte[] Data)> chunks, Socket to)
    {
        var bucket = new TokenBucket();
        try
        {
            await foreach (var (due, data) in chunks.ReadAllAsync(_cts.Token))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _cts.Token);
                }

                while (_route.IsStalled || _all.IsStalled)
                {
                    await Task.Delay(50, _cts.Token);
                }

                if (_broken || _route.Blackhole || _all.Blackhole)
                {
                    // Lost in the air. TCP cannot skip bytes, so a connection that lost some stays dead until the
                    // device's keep-alive gives up and reconnects (as a real link whose retransmits all failed).
                    _broken = true;
                    continue;
                }

                var rate = MinRate(_route.BytesPerSecond, _all.BytesPerSecond);
                for (var at = 0; at < data.Length;)
                {
                    var n = rate > 0 ? (int)Math.Min(data.Length - at, Math.Max(rate / 20, 256)) : data.Length - at;
                    await bucket.TakeAsync(n, rate, _cts.Token);
                    at += await to.SendAsync(data.AsMemory(at, n), SocketFlags.None, _cts.Token);
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Reset();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static long MinRate(long a, long b) => a <= 0 ? b : b <= 0 ? a : Math.Min(a, b);
}
