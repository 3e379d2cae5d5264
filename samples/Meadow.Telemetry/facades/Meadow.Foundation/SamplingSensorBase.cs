// Facade (declaration only) of the Meadow.Foundation package (WildernessLabs/Meadow.Foundation, Source/Meadow.Foundation.Core,
// assembly Meadow.Foundation), declared from the Meadow API reference (/docs/api/Meadow.Foundation). Bodies throw null.

using System;
using System.Threading.Tasks;
using Meadow.Peripherals.Sensors;

namespace Meadow.Foundation;

public abstract class SamplingSensorBase<UNIT> : ObservableBase<UNIT>, ISamplingSensor<UNIT>
    where UNIT : struct
{
    public event EventHandler<IChangeResult<UNIT>> Updated
    {
        add => throw null!;
        remove => throw null!;
    }

    public UNIT Conditions
    {
        get => throw null!;
        protected set => throw null!;
    }

    public bool IsSampling
    {
        get => throw null!;
        protected set => throw null!;
    }

    public virtual TimeSpan UpdateInterval
    {
        get => throw null!;
        protected set => throw null!;
    }

    public virtual Task<UNIT> Read() => throw null!;

    public abstract void StartUpdating(TimeSpan? updateInterval = null);

    public abstract void StopUpdating();

    protected abstract Task<UNIT> ReadSensor();
}
