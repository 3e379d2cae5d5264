using Edge.Gateway.Ingest.InFlight;
using Edge.Gateway.Log;

namespace Edge.Gateway.Tests.InFlight;

/// <summary>
/// The floor below which the dedupe snapshot may claim to cover the log: never above an append that is still unrecorded,
/// whatever order appends end in. A real durable log supplies the offsets.
/// </summary>
public sealed class UnrecordedOffsetsTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edge-unrecorded-").FullName;
    private IDurableLog? _log;

    private IDurableLog Log => _log ?? throw new InvalidOperationException("not started");

    public ValueTask InitializeAsync()
    {
        _log = DurableLog.Open(new DurableLogOptions { Directory = _directory });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Floor_AppendsEndOutOfOrder_StaysAtTheOldestUnrecordedUntilItEnds()
    {
        var unrecorded = new UnrecordedOffsets(Log);
        var first = unrecorded.Enter();
        var sameOffset = unrecorded.Enter(); // entered before the first one's record exists: the same floor
        await AppendAsync();
        var second = unrecorded.Enter();
        await AppendAsync();
        var third = unrecorded.Enter();
        await AppendAsync();

        Assert.Equal(first, sameOffset);
        Assert.True(first < second && second < third);
        unrecorded.Exit(third);
        unrecorded.Exit(first);
        Assert.Equal(first, unrecorded.Floor()); // one append with that floor is still unrecorded
        unrecorded.Exit(sameOffset);
        Assert.Equal(second, unrecorded.Floor());
        unrecorded.Exit(second);
        Assert.Equal(Log.NextOffset, unrecorded.Floor());
        Assert.Equal(0, unrecorded.Entries);
    }

    [Fact]
    public async Task Enter_MoreOpenFloorsThanTheRingHolds_GrowsAndKeepsTheOldest()
    {
        var unrecorded = new UnrecordedOffsets(Log);
        var floors = new List<long>();
        for (var i = 0; i < 300; i++)
        {
            floors.Add(unrecorded.Enter());
            await AppendAsync();
        }

        // End all but the oldest, newest first, then the oldest: the floor holds until it ends.
        for (var i = floors.Count - 1; i >= 1; i--)
        {
            unrecorded.Exit(floors[i]);
            Assert.Equal(floors[0], unrecorded.Floor());
        }

        unrecorded.Exit(floors[0]);
        Assert.Equal(Log.NextOffset, unrecorded.Floor());
        Assert.Throws<InvalidOperationException>(() => unrecorded.Exit(floors[0]));
    }

    [Fact]
    public async Task EnterExit_FourInFlightWithDistinctFloors_AllocatesNothing()
    {
        // Four appends in flight, each entered at its own offset and ending oldest first: the shape of a busy gateway.
        var unrecorded = new UnrecordedOffsets(Log);
        var open = new long[4];
        for (var i = 0; i < open.Length; i++)
        {
            open[i] = unrecorded.Enter();
            await AppendAsync();
        }

        long allocated = 0;
        for (var i = 0; i < 500; i++)
        {
            await AppendAsync(); // the offset moves on between appends (not measured: the log allocates)
            var before = GC.GetAllocatedBytesForCurrentThread();
            var floor = unrecorded.Enter();
            unrecorded.Exit(open[i % open.Length]);
            open[i % open.Length] = floor;
            _ = unrecorded.Floor();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
        Assert.InRange(unrecorded.Entries, 1, 5);
    }

    private async Task AppendAsync()
    {
        var result = await Log.AppendAsync(new byte[16], TestContext.Current.CancellationToken);
        Assert.Equal(AppendStatus.Appended, result.Status);
    }
}
