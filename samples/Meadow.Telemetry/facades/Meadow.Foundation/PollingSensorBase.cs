// Facade (declaration only) of the Meadow.Foundation package (WildernessLabs/Meadow.Foundation, Source/Meadow.Foundation.Core,
// assembly Meadow.Foundation), declared from the Meadow API reference (/docs/api/Meadow.Foundation). Bodies throw null.

using System;

namespace Meadow.Foundation;

public abstract class PollingSensorBase<UNIT> : SamplingSensorBase<UNIT>
    where UNIT : struct
{
    public override void StartUpdating(TimeSpan? updateInterval = null) => throw null!;

    public override void StopUpdating() => throw null!;
}
