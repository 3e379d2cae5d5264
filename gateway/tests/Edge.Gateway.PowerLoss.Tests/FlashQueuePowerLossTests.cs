using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Edge.Device.NanoFramework;

namespace Edge.Gateway.PowerLoss.Tests;

/// <summary>
/// The nanoFramework SDK's flash queue, host build (POSIX: fsync and directory fsync), against power loss: a process
/// appends records and acknowledges the oldest now and then, the power is cut, the queue is reopened. Every record
/// whose append returned true and that was not removed must be there, in order, and nothing that was never
/// appended. (Here rather than in sdk/nanoFramework/tests: this project owns the crashfs harness.)
/// </summary>
[Trait("Category", "PowerLoss")]
public sealed class FlashQueuePowerLossTests
{
    [Fact]
    public async Task PowerCut_WhileAppendingAndRemoving_EveryDurableRecordIsThereInOrderAndNothingElse()
    {
        await using var fs = await CrashFs.MountAsync(new CrashFsOptions { FsyncDelay = TimeSpan.FromMilliseconds(1) });
        var directory = Path.Combine(fs.Path, "flash"); // the queue creates it
        var appended = new HashSet<int>();
        var removed = new HashSet<int>();
        var possible = new HashSet<int>();
        var first = 0;
        for (var round = 0; round < 3; round++)
        {
            var (child, lines) = Start(directory, first);
            try
            {
                await Eventually.TrueAsync(() => child.HasExited || Count(lines, "appended ") >= 300, TimeSpan.FromSeconds(90), $"round {round}: 300 appends");
                Assert.False(child.HasExited, $"the queue process exited:\n{string.Join('\n', Snapshot(lines).TakeLast(20))}");
                var report = await fs.PowerCutAsync(child, tear: round != 1);
                TestContext.Current.TestOutputHelper?.WriteLine($"round {round}: {report.Json}");
            }
            finally
            {
                child.Dispose();
            }

            var seen = Snapshot(lines);
            var thisRound = Numbers(seen, "appended ").ToList();
            appended.UnionWith(thisRound);
            removed.UnionWith(Numbers(seen, "removed "));
            possible.UnionWith(Enumerable.Range(first, thisRound.Max() - first + 2)); // the last append may have landed unreported
            first = thisRound.Max() + 1000;
        }

        var found = new List<int>();
        using (var queue = new FlashQueue(new FlashQueueOptions { Directory = directory, CapacityBytes = 16_384, SegmentBytes = 2_048, MaxRecordBytes = 256 }))
        {
            var buffer = new byte[256];
            for (int length; (length = queue.PeekFirst(buffer, 0)) > 0; queue.RemoveFirst())
            {
                Assert.Equal(64, length);
                var n = BinaryPrimitives.ReadInt32LittleEndian(buffer);
                Assert.True(possible.Contains(n), $"record {n} was never appended");
                for (var i = 4; i < 64; i++)
                {
                    Assert.True(buffer[i] == (byte)(n + i), $"record {n} is garbled at byte {i}");
                }

                found.Add(n);
            }
        }

        Assert.True(found.SequenceEqual(found.Order()), "records out of order: " + string.Join(',', found));
        var missing = appended.Except(removed).Except(found).Order().ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} records whose append returned true are gone: {string.Join(',', missing.Take(20))}");
    }

    /// <summary>
    /// TryAppend's true means "survives a reset" (IPersistentQueue). When the fsync fails (a dying card), the answer
    /// must be false, or the record must survive anyway. .NET's FileStream.Flush(true) returns normally when fsync(2)
    /// fails with EIO (measured with .NET 10.0.401), so a queue syncing with it answers true for a record it lost.
    /// </summary>
    [Fact]
    public async Task TryAppend_FsyncFailsWithEio_TrueOnlyIfTheRecordSurvivesAPowerCut()
    {
        await using var fs = await CrashFs.MountAsync();
        var options = new FlashQueueOptions { Directory = Path.Combine(fs.Path, "flash"), CapacityBytes = 16_384, SegmentBytes = 2_048, MaxRecordBytes = 256 };
        var queue = new FlashQueue(options);
        Assert.True(queue.TryAppend([1, 2, 3, 4], 0, 4));
        await fs.FailAllAsync(FsOperation.Fsync, Errno.EIO);

        var answer = queue.TryAppend([5, 6, 7, 8], 0, 4);

        await fs.PowerCutAsync();
        try
        {
            queue.Dispose();
        }
        catch (IOException)
        {
            // its files were open across the cut
        }

        await fs.ClearFaultsAsync();
        using var reopened = new FlashQueue(options);
        Assert.Equal(answer ? 2 : 1, reopened.Count);
    }

    private static (Process Child, List<string> Lines) Start(string directory, int first)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Edge.PowerLoss.FlashQueueChild.dll"), directory, first.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        var lines = new List<string>();
        var child = Process.Start(info) ?? throw new InvalidOperationException("the queue process did not start");
        child.OutputDataReceived += (_, e) => { if (e.Data is { } line) { lock (lines) { lines.Add(line); } } };
        child.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { lock (lines) { lines.Add("stderr: " + line); } } };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return (child, lines);
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static int Count(List<string> lines, string prefix) => Snapshot(lines).Count(l => l.StartsWith(prefix, StringComparison.Ordinal));

    private static IEnumerable<int> Numbers(List<string> lines, string prefix) =>
        lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => int.Parse(l.AsSpan(prefix.Length), CultureInfo.InvariantCulture));
}
