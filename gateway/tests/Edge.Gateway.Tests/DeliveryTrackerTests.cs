using Edge.Gateway.Egress;

namespace Edge.Gateway.Tests;

public sealed class DeliveryTrackerTests
{
    [Fact]
    public void CommittedOffset_OutOfOrderCompletions_AdvancesOnlyOverContiguousPersistedPrefix()
    {
        var tracker = new DeliveryTracker(capacity: 8, startOffset: 10);
        var t10 = tracker.Add(10);
        var t11 = tracker.Add(11);
        var t12 = tracker.Add(12);

        tracker.Complete(t12, persisted: true);
        Assert.Equal(10, tracker.CommittedOffset);
        tracker.Complete(t10, persisted: true);
        Assert.Equal(11, tracker.CommittedOffset);
        tracker.Complete(t11, persisted: true);
        Assert.Equal(13, tracker.CommittedOffset);
    }

    [Fact]
    public void CommittedOffset_FailedDelivery_StopsAtFailedRecordAndFlagsRewind()
    {
        var tracker = new DeliveryTracker(capacity: 8, startOffset: 0);
        var t0 = tracker.Add(0);
        var t1 = tracker.Add(1);
        var t2 = tracker.Add(2);

        tracker.Complete(t0, persisted: true);
        tracker.Complete(t1, persisted: false);
        tracker.Complete(t2, persisted: true);

        Assert.True(tracker.HasFailed);
        Assert.Equal(1, tracker.CommittedOffset);
    }

    [Fact]
    public void Add_WindowFull_RefusesUntilHeadIsPersisted()
    {
        var tracker = new DeliveryTracker(capacity: 2, startOffset: 0);
        var t0 = tracker.Add(0);
        _ = tracker.Add(1);

        Assert.Equal(-1, tracker.Add(2));
        tracker.Complete(t0, persisted: true);
        Assert.NotEqual(-1, tracker.Add(2));
    }

    [Fact]
    public void Skip_UndecodableRecordAfterEverythingPersisted_CheckpointPassesIt()
    {
        var tracker = new DeliveryTracker(capacity: 4, startOffset: 0);
        tracker.Complete(tracker.Add(0), persisted: true);
        tracker.Skip(1);

        Assert.Equal(2, tracker.CommittedOffset);
    }
}
