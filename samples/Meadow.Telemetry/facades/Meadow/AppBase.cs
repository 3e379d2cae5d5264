// Facade (declaration only) of the Meadow package (WildernessLabs/Meadow.Core, assembly Meadow), declared from
// source/Meadow.Core/Bases/App.cs, App_D.cs and MeadowOS.FileSystem.cs (develop) and the Meadow API reference. Bodies throw null.

using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Meadow;

public abstract class AppBase : IApp
{
    public CancellationToken CancellationToken => throw null!;

    public Dictionary<string, string> Settings => throw null!;

    public static CancellationToken Abort
    {
        get => throw null!;
        protected set => throw null!;
    }

    public virtual Task Run() => throw null!;

    public virtual Task Initialize() => throw null!;

    public virtual Task OnShutdown() => throw null!;

    public virtual Task OnError(Exception e) => throw null!;

    public virtual ValueTask DisposeAsync() => throw null!;
}
