// Facade (declaration only) of the Meadow.Contracts package (assembly Meadow.Contracts), declared from the Meadow API
// reference (developer.wildernesslabs.co, /docs/api/Meadow) and WildernessLabs/Meadow.Contracts (develop). Bodies throw null.

namespace Meadow;

public interface IChangeResult<UNIT>
    where UNIT : struct
{
    UNIT New { get; set; }

    UNIT? Old { get; set; }
}
