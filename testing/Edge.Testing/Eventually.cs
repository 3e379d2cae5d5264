namespace Edge.Testing;

/// <summary>
/// Waits for a condition in integration tests that talk to real processes. The timeout is a safety net
/// for a hung peer, never a performance assertion: keep it generous (the CI machine is shared and slow).
/// </summary>
public static class Eventually
{
    /// <summary>Polls the condition every 20 ms until true; throws TimeoutException naming what was awaited.</summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
        => await TrueAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);

    /// <summary>Polls the async condition every 20 ms until true; throws TimeoutException naming what was awaited.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
