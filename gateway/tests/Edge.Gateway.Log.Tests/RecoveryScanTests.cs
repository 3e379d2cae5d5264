using Edge.Gateway.Log.Internal;

namespace Edge.Gateway.Log.Tests;

/// <summary>
/// Recovery's work is linear in a garbage tail, counted in bytes checksummed rather than timed. The unbounded search
/// checksummed every candidate's claimed length at every byte: ~n³/2^34 bytes for n bytes of random garbage (1.4 GB
/// of CRC for 4 MiB, 67 s measured for 32 MB).
/// </summary>
public sealed class RecoveryScanTests
{
    [Theory]
    [InlineData(1 << 20, true)]
    [InlineData(4 << 20, true)]
    [InlineData(4 << 20, false)] // a log without a high-water mark (written before it existed)
    public async Task Open_RandomGarbageTail_ChecksumsEachByteAtMostAboutOnce(int garbageBytes, bool withMark)
    {
        using var dir = new TestLog();
        await using (IDurableLog log = dir.Open())
        {
            for (int i = 0; i < 1000; i++)
            {
                log.Append(TestLog.Payload(i, 76));
            }

            await log.AppendAsync(TestLog.Payload(1000, 76));
        }

        if (!withMark)
        {
            File.Delete(Path.Combine(dir.Directory, HighWaterFile.FileName));
        }

        string segment = Assert.Single(dir.SegmentFiles());
        long valid = new FileInfo(segment).Length;
        byte[] garbage = new byte[garbageBytes];
        new Random(garbageBytes).NextBytes(garbage);
        await using (var stream = new FileStream(segment, FileMode.Append))
        {
            await stream.WriteAsync(garbage);
        }

        await using IDurableLog reopened = dir.Open();
        var core = (DurableLogCore)reopened;
        Assert.Equal(1001, reopened.NextOffset);
        Assert.Equal(garbageBytes, reopened.GetStats().TornTailBytesCut);
        Assert.True(
            core.RecoveryChecksummedBytes <= valid + garbageBytes,
            $"recovery checksummed {core.RecoveryChecksummedBytes} bytes for {valid} valid and {garbageBytes} garbage bytes");
    }
}
