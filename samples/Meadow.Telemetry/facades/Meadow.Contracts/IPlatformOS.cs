// Facade (declaration only) of the Meadow.Contracts package (assembly Meadow.Contracts), declared from
// WildernessLabs/Meadow.Contracts (develop) Source/Meadow.Contracts/Platform OS/IPlatformOS.cs. Only SetClock is declared;
// the base interface (IPowerController) and the other members are left out. Bodies throw null.

using System;

namespace Meadow;

public partial interface IPlatformOS
{
    void SetClock(DateTime dateTime);
}
