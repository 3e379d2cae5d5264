namespace Edge.Gateway.Ingest.Framing;

/// <summary>
/// The bytes all not-yet-accepted connections together may announce (<c>Mqtt:MaxUnauthenticatedBytes</c>): each
/// packet before a CONNACK 0 reserves its length here before MQTTnet buffers it, and a connection gives its
/// reservation back when its login is accepted or it closes. Thread-safe (lock-free).
/// </summary>
internal sealed class UnauthenticatedBudget
{
    private readonly long _max;
    private long _used;

    public UnauthenticatedBudget(long max) => _max = max;

    /// <summary>Bytes reserved now.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Reserves <paramref name="bytes"/>; false (nothing reserved) when that would exceed the budget.</summary>
    public bool TryReserve(long bytes)
    {
        while (true)
        {
            var used = Interlocked.Read(ref _used);
            if (used + bytes > _max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + bytes, used) == used)
            {
                return true;
            }
        }
    }

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
