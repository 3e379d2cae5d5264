using Edge.Gateway.Ingest.Dedupe;
using Edge.Gateway.Records;

namespace Edge.Gateway.Tests.ExactlyOnce;

public sealed class DeviceDedupeTests
{
    private static RecordIdentity Pack(uint bid, uint seq) => RecordIdentity.None.WithPack(bid, seq);

    [Fact]
    public void IsDuplicate_SeqAtOrBelowTheHighestLogged_TrueAboveFalse()
    {
        var device = new DeviceDedupe("d", provisioned: false);
        device.Record(Pack(1, 10));

        Assert.True(device.IsDuplicate(Pack(1, 10)));
        Assert.False(device.IsDuplicate(Pack(1, 11)));
        Assert.False(device.IsDuplicate(Pack(2, 10))); // a new boot starts a new sequence
    }

    [Fact]
    public void IsDuplicate_GapInsideTheWindow_TheMissingPackIsNotADuplicate()
    {
        // seq 5 refused (log full) while 6..9 were logged: its resend must be logged, the others dropped.
        var device = new DeviceDedupe("d", provisioned: false);
        foreach (var seq in new uint[] { 4, 6, 7, 8, 9 })
        {
            device.Record(Pack(1, seq));
        }

        Assert.False(device.IsDuplicate(Pack(1, 5)));
        Assert.True(device.IsDuplicate(Pack(1, 6)));
        device.Record(Pack(1, 5));
        Assert.True(device.IsDuplicate(Pack(1, 5)));
        device.Record(Pack(1, 200));
        Assert.True(device.IsDuplicate(Pack(1, 200 - BootWindow.Width))); // below the window: taken as logged (the spec's seq <= highest rule)
        Assert.False(device.IsDuplicate(Pack(1, 200 - BootWindow.Width + 1)));
    }

    [Fact]
    public void Record_NinthBoot_ForgetsTheLeastRecentlyLoggedBootOnly()
    {
        var device = new DeviceDedupe("d", provisioned: false);
        for (uint boot = 1; boot <= DeviceDedupe.MaxBoots; boot++)
        {
            device.Record(Pack(boot, 1));
        }

        device.Record(Pack(1, 2)); // a late pack of boot 1 makes boot 2 the least recent
        device.Record(Pack(99, 1));

        Assert.Equal(DeviceDedupe.MaxBoots, device.BootCount);
        Assert.True(device.IsDuplicate(Pack(1, 2)));
        Assert.False(device.IsDuplicate(Pack(2, 1))); // forgotten: logged again (a duplicate, never a loss)
        Assert.True(device.IsDuplicate(Pack(99, 1)));
    }

    [Fact]
    public void IsDuplicate_Qos2PendingPacketId_OnlyWithTheSameContentAndUntilReleased()
    {
        var device = new DeviceDedupe("d", provisioned: false);
        device.Record(RecordIdentity.None.WithPacketId(7, 0xABCD));

        Assert.True(device.IsDuplicate(RecordIdentity.None.WithPacketId(7, 0xABCD)));
        Assert.False(device.IsDuplicate(RecordIdentity.None.WithPacketId(7, 0xABCE)));
        Assert.False(device.IsDuplicate(RecordIdentity.None.WithPacketId(8, 0xABCD)));
        device.Release(7);
        Assert.False(device.IsDuplicate(RecordIdentity.None.WithPacketId(7, 0xABCD)));
    }

    [Fact]
    public void IngestRecord_WithIdentity_RoundTripsAsVersion2AndVersion1StaysUnchanged()
    {
        var identity = RecordIdentity.None.WithPack(0x12345678, 42).WithPacketId(513, 0x0102030405060708);
        var bytes = IngestRecord.Encode("dev", "edge/v1/dev/telemetry", 2, retain: false, [9, 8], identity);

        var record = IngestRecord.Decode(bytes);

        Assert.Equal(2, bytes[0]);
        Assert.Equal(identity, record.Identity);
        Assert.Equal(new byte[] { 9, 8 }, record.Payload.ToArray());
        Assert.Equal(1, IngestRecord.Encode("dev", "t", 1, false, [1])[0]);
        Assert.Equal(RecordIdentity.None, IngestRecord.Decode(IngestRecord.Encode("dev", "t", 1, false, [1])).Identity);
    }
}
