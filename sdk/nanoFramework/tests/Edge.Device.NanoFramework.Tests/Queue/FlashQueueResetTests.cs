using Edge.Device.NanoFramework.Tests.Support;

namespace Edge.Device.NanoFramework.Tests.Queue;

/// <summary>
/// A reset at any moment: a workload of appends, removals and reopens is recorded as the queue's write sequence
/// (every create, append, truncate and delete, in order); then for every prefix of that sequence, with the next
/// operation torn at every byte (and garbled: random or erased bytes where the rest should be), the directory is
/// rebuilt, the queue reopened, one record appended and one removed, and the queue reopened again. What it reads back must be exactly
/// the records whose append had returned, minus those whose removal had returned, give or take the one operation the
/// reset interrupted: nothing lost, nothing that was not appended, nothing out of order.
/// </summary>
public sealed class FlashQueueResetTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("edge-flashq-reset-");

    public void Dispose() => _root.Delete(recursive: true);

    private static FlashQueueOptions Options(string directory) => new()
    {
        Directory = directory,
        CapacityBytes = 700, // full now and then: refused appends are part of the workload
        SegmentBytes = 160, // a new segment every few records, and segment deletions
        MaxRecordBytes = 48,
        HeadEntriesPerFile = 3, // the head log switches files often
    };

    private sealed record Call(bool IsAppend, bool IsRemove, int Start, int End);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Reset_AtEveryByteOfTheWriteSequence_RecoversExactlyWhatWasAcknowledged(int seed)
    {
        var live = Path.Combine(_root.FullName, "live");
        var journal = new FlashJournal();
        var (records, calls) = RunWorkload(live, journal, seed);
        Assert.True(journal.Ops.Count > 150, $"workload too small: {journal.Ops.Count} operations");
        Assert.Contains(journal.Ops, op => op.Kind == FlashOpKind.Delete);
        Assert.Contains(journal.Ops, op => op.Kind == FlashOpKind.Truncate);

        // The replays need no durability of their own: tmpfs when there is one (fsync there costs nothing).
        var scratchRoot = Directory.Exists("/dev/shm")
            ? Directory.CreateDirectory(Path.Combine("/dev/shm", "edge-flashq-" + Guid.NewGuid().ToString("N")))
            : _root.CreateSubdirectory("scratch");
        try
        {
            var baseline = Path.Combine(scratchRoot.FullName, "base");
            var state = Path.Combine(scratchRoot.FullName, "state");
            Directory.CreateDirectory(baseline);
            var random = new Random(seed);
            var checkedStates = 0;
            for (var p = 0; p <= journal.Ops.Count; p++)
            {
                Check(baseline, state, p, null, 0, null, records, calls, ref checkedStates); // ops [0, p) done
                if (p == journal.Ops.Count)
                {
                    break;
                }

                var op = journal.Ops[p];
                if (op.Kind == FlashOpKind.Append)
                {
                    for (var j = 1; j < op.Data.Length; j += j < 17 ? 1 : 5)
                    {
                        Check(baseline, state, p, op, j, null, records, calls, ref checkedStates); // torn after j bytes
                    }

                    Check(baseline, state, p, op, op.Data.Length - 1, null, records, calls, ref checkedStates);

                    foreach (var j in new[] { 0, 1, 4, op.Data.Length / 2, op.Data.Length - 1 })
                    {
                        var garbage = new byte[op.Data.Length - j];
                        random.NextBytes(garbage);
                        Check(baseline, state, p, op, j, garbage, records, calls, ref checkedStates); // the rest is noise
                        Check(baseline, state, p, op, j, new byte[op.Data.Length - j], records, calls, ref checkedStates); // or erased
                    }
                }

                FlashJournal.Apply(baseline, op);
            }

            output.WriteLine($"{journal.Ops.Count} operations, {records.Count} records appended, {checkedStates} reset states checked");
            Assert.True(checkedStates > 1_500, $"only {checkedStates} reset states checked");
        }
        finally
        {
            scratchRoot.Delete(recursive: true);
        }
    }

    /// <summary>Appends (mostly), removes and reopens at random; returns the appended records and each call's span of operations.</summary>
    private static (List<byte[]> Records, List<Call> Calls) RunWorkload(string directory, FlashJournal journal, int seed)
    {
        var random = new Random(seed);
        var records = new List<byte[]>();
        var calls = new List<Call>();
        var expected = new Queue<byte[]>();
        var buffer = new byte[64];
        var queue = new FlashQueue(Options(directory), journal);
        try
        {
            for (var step = 0; step < 220; step++)
            {
                var start = journal.Ops.Count;
                if (step % 37 == 36)
                {
                    queue.Dispose();
                    queue = new FlashQueue(Options(directory), journal); // recovery writes are part of the sequence too
                    calls.Add(new Call(false, false, start, journal.Ops.Count));
                }
                else if (expected.Count == 0 || random.NextDouble() < 0.55)
                {
                    var record = new byte[random.Next(5, 49)];
                    random.NextBytes(record);
                    BitConverter.GetBytes(records.Count).CopyTo(record, 0); // unique
                    if (queue.TryAppend(record, 0, record.Length))
                    {
                        records.Add(record);
                        expected.Enqueue(record);
                        calls.Add(new Call(true, false, start, journal.Ops.Count));
                    }
                    else
                    {
                        Assert.True(start == journal.Ops.Count, $"refused append wrote {string.Join(",", journal.Ops.Skip(start))} errors {queue.StorageErrors} {queue.LastError} used {queue.UsedBytes}"); // a refused append writes nothing
                    }
                }
                else
                {
                    var n = queue.PeekFirst(buffer, 0);
                    Assert.Equal(expected.Dequeue(), buffer[..n]);
                    calls.Add(new Call(false, false, start, journal.Ops.Count));
                    start = journal.Ops.Count;
                    queue.RemoveFirst();
                    calls.Add(new Call(false, true, start, journal.Ops.Count));
                }
            }
        }
        finally
        {
            queue.Dispose();
        }

        return (records, calls);
    }

    private static void Check(
        string baseline, string state, int p, FlashOp? torn, int bytes, byte[]? tail, List<byte[]> records, List<Call> calls, ref int checkedStates)
    {
        if (Directory.Exists(state))
        {
            Directory.Delete(state, recursive: true);
        }

        Directory.CreateDirectory(state);
        foreach (var file in Directory.GetFiles(baseline))
        {
            File.Copy(file, Path.Combine(state, Path.GetFileName(file)));
        }

        if (torn is not null)
        {
            FlashJournal.Apply(state, torn, bytes, tail);
        }

        // Calls whose operations all happened are done; the one the reset cut into may or may not have taken effect.
        // Operations [0, p) happened; operation p is torn (or did not happen at all when torn is null).
        var appendsDone = calls.Count(c => c.IsAppend && c.End <= p);
        var removalsDone = calls.Count(c => c.IsRemove && c.End <= p);
        var inProgress = calls.FirstOrDefault(c => c.Start <= p && p < c.End && (c.Start < p || torn is not null));
        var appendsMax = appendsDone + (inProgress?.IsAppend == true ? 1 : 0);
        var removalsMax = removalsDone + (inProgress?.IsRemove == true ? 1 : 0);

        var marker = new byte[] { 0xEE, 0xEE, 0xEE, 0xEE, 1, 2, 3 };
        var what = $"reset at operation {p}{(torn is null ? "" : $" ({torn.Kind} {torn.Name} after {bytes} of {torn.Data.Length} bytes{(tail is null ? "" : ", then garbage")})")}";
        bool markerAppended;
        List<byte[]> read = [];
        var buffer = new byte[64];
        using (var recovered = new FlashQueue(Options(state)))
        {
            // After recovery: one append and one removal, each must hold across the next reopen too.
            markerAppended = recovered.TryAppend(marker, 0, marker.Length);
            Assert.True(markerAppended || recovered.UsedBytes + 15 > 700, what + ": append after recovery refused with room");
            var n = recovered.PeekFirst(buffer, 0);
            if (n > 0)
            {
                read.Add(buffer[..n]);
                recovered.RemoveFirst();
            }
        }

        using (var again = new FlashQueue(Options(state)))
        {
            while (again.Count > 0)
            {
                var n = again.PeekFirst(buffer, 0);
                Assert.True(n > 0, what + ": a counted record could not be read");
                read.Add(buffer[..n]);
                again.RemoveFirst();
            }
        }

        if (markerAppended)
        {
            Assert.True(read.Count > 0 && read[^1].AsSpan().SequenceEqual(marker), what + ": the record appended after recovery is missing");
            read.RemoveAt(read.Count - 1);
        }

        var first = read.Count == 0 ? -1 : records.FindIndex(r => r.AsSpan().SequenceEqual(read[0]));
        Assert.True(read.Count == 0 || first >= 0, what + ": replayed a record that was never appended");
        var from = read.Count == 0 ? -1 : first;
        var to = from + read.Count;
        if (read.Count == 0)
        {
            Assert.True(removalsDone <= appendsMax && appendsDone <= removalsMax, what + $": lost everything ({appendsDone} appended, {removalsDone} removed)");
        }
        else
        {
            Assert.InRange(from, removalsDone, removalsMax); // removed ones stay removed; at most the interrupted one returns
            Assert.InRange(to, appendsDone, appendsMax); // appended ones are all there; the interrupted one may be
            for (var i = 0; i < read.Count; i++)
            {
                Assert.True(records[from + i].AsSpan().SequenceEqual(read[i]), what + $": record {i} out of order or changed");
            }
        }

        checkedStates++;
    }
}
