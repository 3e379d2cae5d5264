// Facade (declaration only) of the Meadow.Foundation package (WildernessLabs/Meadow.Foundation, Source/Meadow.Foundation.Core,
// assembly Meadow.Foundation), declared from the Meadow API reference (/docs/api/Meadow.Foundation). Bodies throw null.

using System;

namespace Meadow.Foundation;

public abstract class ObservableBase<UNIT> : IObservable<IChangeResult<UNIT>>
    where UNIT : struct
{
    public IDisposable Subscribe(IObserver<IChangeResult<UNIT>> observer) => throw null!;
}
