#if !NET8_0_OR_GREATER
namespace System.Threading.Tasks;

/// <summary>
/// The .NET 6-8 task APIs the shared sources call, for netstandard2.1 (Meadow F7): Task.WaitAsync(CancellationToken),
/// Task.Delay on a TimeProvider (Microsoft.Bcl.TimeProvider's extension), CancellationTokenSource.CancelAsync.
/// Same behaviour as the BCL's: WaitAsync throws OperationCanceledException when the token fires first and leaves the
/// task running.
/// </summary>
internal static class TaskPolyfills
{
    extension(Task)
    {
        public static Task Delay(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken) =>
            timeProvider.Delay(delay, cancellationToken);
    }

    public static async Task WaitAsync(this Task task, CancellationToken cancellationToken)
    {
        if (!task.IsCompleted && cancellationToken.CanBeCanceled)
        {
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static s => ((TaskCompletionSource<bool>)s!).TrySetResult(true), cancelled))
            {
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
        }

        await task.ConfigureAwait(false);
    }

    public static async Task<T> WaitAsync<T>(this Task<T> task, CancellationToken cancellationToken)
    {
        await ((Task)task).WaitAsync(cancellationToken).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    public static Task CancelAsync(this CancellationTokenSource source)
    {
        source.Cancel();
        return Task.CompletedTask;
    }
}
#endif
