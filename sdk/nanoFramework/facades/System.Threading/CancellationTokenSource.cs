// Facade (declaration only) of nanoFramework.System.Threading 1.1.52, assembly System.Threading,
// declared from the upstream API at github.com/nanoframework/System.Threading. Never deployed: bodies throw null.

namespace System.Threading;

public class CancellationTokenSource : IDisposable
{
    public CancellationTokenSource() => throw null;

    public CancellationTokenSource(int millisecondsDelay) => throw null;

    public CancellationTokenSource(TimeSpan delay) => throw null;

    public bool IsCancellationRequested => throw null;

    public CancellationToken Token => throw null;

    public void Cancel() => throw null;

    public void Cancel(bool throwOnFirstException) => throw null;

    public void CancelAfter(int millisecondsDelay) => throw null;

    public void CancelAfter(TimeSpan delay) => throw null;

    public void Dispose() => throw null;
}
