namespace Edge.Gateway.Diagnostics;

/// <summary>
/// A named class of SD card for the wear estimate (<c>Storage:CardClass</c>): its rated endurance in terabytes written
/// under the maker's conditions (large sequential writes), which the estimate divides by
/// <see cref="FlashWear.SmallWriteAmplification"/> for the log's small synchronous writes.
/// </summary>
/// <param name="Name">The <c>Storage:CardClass</c> value.</param>
/// <param name="EnduranceTbw">Rated terabytes written (10^12 bytes).</param>
/// <param name="Source">Where the figure comes from (shown on the status page and in docs/operations.md).</param>
internal sealed record SdCardClass(string Name, double EnduranceTbw, string Source)
{
    /// <summary>
    /// The classes known by name. consumer-32gb: 32 GB of TLC NAND at 500 program/erase cycles (a common rating for
    /// consumer TLC; an assumption, makers do not publish it for plain cards) = 16 TBW. high-endurance-32gb: SanDisk High
    /// Endurance, rated 10,000 h of 26 Mbit/s Full HD video at 128 GB (117 TBW, maker's datasheet as compiled in
    /// reddit.com/r/raspberry_pi/comments/xnkp71), scaled to 32 GB (ratings scale with capacity) = 29 TBW.
    /// max-endurance-32gb: SanDisk Max Endurance, 60,000 h at 128 GB (702 TBW, same source), scaled = 175 TBW.
    /// </summary>
    public static readonly IReadOnlyList<SdCardClass> Known =
    [
        new("consumer-32gb", 16, "32 GB TLC x 500 P/E cycles (assumed typical consumer TLC rating)"),
        new("high-endurance-32gb", 29.25, "SanDisk High Endurance: 117 TBW at 128 GB (10,000 h FHD @ 26 Mbit/s, datasheet), scaled to 32 GB"),
        new("max-endurance-32gb", 175.5, "SanDisk Max Endurance: 702 TBW at 128 GB (60,000 h FHD @ 26 Mbit/s, datasheet), scaled to 32 GB"),
    ];

    /// <summary>The class named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static SdCardClass? Find(string? name) =>
        Known.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}
