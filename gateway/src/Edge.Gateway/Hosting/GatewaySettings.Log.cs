using Edge.Gateway.Log;

namespace Edge.Gateway.Hosting;

/// <summary>Maps the Storage section onto the log's options.</summary>
internal sealed partial class GatewaySettings
{
    public DurableLogOptions ToLogOptions() => new()
    {
        Directory = Storage.Path,
        MaxBytes = Storage.MaxBytes,
        SegmentBytes = Storage.SegmentBytes,
        WhenFull = Storage.WhenFull,
        PreallocateBytes = Storage.PreallocateBytes,
        CommitWindow = TimeSpan.FromMilliseconds(Storage.CommitWindowMilliseconds),
        FollowUpWindow = TimeSpan.FromMilliseconds(Storage.FollowUpWindowMilliseconds),
        MaxRecordBytes = Mqtt.MaxPayloadBytes + (2 * ushort.MaxValue) + 16,
    };
}
