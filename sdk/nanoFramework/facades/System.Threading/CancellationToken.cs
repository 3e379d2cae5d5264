// Facade (declaration only) of nanoFramework.System.Threading 1.1.52, assembly System.Threading,
// declared from the upstream API at github.com/nanoframework/System.Threading. Never deployed: bodies throw null.

namespace System.Threading;

public struct CancellationToken
{
#pragma warning disable CS0169 // Declared like upstream's private state: a struct's fields belong to its shape.
    private CancellationTokenSource _source;
#pragma warning restore CS0169

    public CancellationToken(bool canceled) => throw null;

    public static CancellationToken None => throw null;

    public bool IsCancellationRequested => throw null;

    public bool CanBeCanceled => throw null;

    public WaitHandle WaitHandle => throw null;

    public bool Equals(CancellationToken other) => throw null;

    public override bool Equals(object other) => throw null;

    public override int GetHashCode() => throw null;

    public void ThrowIfCancellationRequested() => throw null;
}
