#if !NET5_0_OR_GREATER
namespace System.Threading.Tasks;

/// <summary>
/// netstandard2.1 (Meadow F7) has only the generic TaskCompletionSource; the shared sources use the non-generic one
/// of .NET 5+. Same members, over a <see cref="TaskCompletionSource{TResult}"/>.
/// </summary>
internal sealed class TaskCompletionSource
{
    private readonly TaskCompletionSource<bool> _inner;

    public TaskCompletionSource(TaskCreationOptions creationOptions) => _inner = new TaskCompletionSource<bool>(creationOptions);

    public Task Task => _inner.Task;

    public bool TrySetResult() => _inner.TrySetResult(true);

    public bool TrySetCanceled() => _inner.TrySetCanceled();

    public bool TrySetException(Exception exception) => _inner.TrySetException(exception);
}
#endif
