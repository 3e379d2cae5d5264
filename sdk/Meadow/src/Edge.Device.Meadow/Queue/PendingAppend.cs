namespace Edge.Device.Meadow.Queue;

/// <summary>An append waiting for the group commit.</summary>
internal sealed class PendingAppend(byte[] payload, int readings)
{
    public byte[] Payload { get; } = payload;

    public int Readings { get; } = readings;

    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
