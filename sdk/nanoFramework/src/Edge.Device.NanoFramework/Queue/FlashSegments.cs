using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// The flash queue's segment files in order, oldest (the head) first: number, file length, end of the valid records
/// and how many records remain (for the head segment: from the head on). Plain arrays: no generics on nanoFramework.
/// </summary>
internal sealed class FlashSegments
{
    private readonly int[] _numbers;
    private readonly int[] _lengths;
    private readonly int[] _ends;
    private readonly int[] _records;

    public FlashSegments(int capacity)
    {
        _numbers = new int[capacity];
        _lengths = new int[capacity];
        _ends = new int[capacity];
        _records = new int[capacity];
    }

    /// <summary>Segment files.</summary>
    public int Count { get; private set; }

    /// <summary>Records not yet removed, over all segments.</summary>
    public int Records { get; private set; }

    /// <summary>Bytes of all segment files.</summary>
    public int Bytes { get; private set; }

    public int HeadNumber => _numbers[0];

    /// <summary>Where the head segment's valid records end.</summary>
    public int HeadEnd => _ends[0];

    public int TailNumber => _numbers[Count - 1];

    public int TailLength => Count == 0 ? 0 : _lengths[Count - 1];

    public int Number(int index) => _numbers[index];

    /// <summary>Adds a segment at the tail; returns this table, or a larger copy when it was full.</summary>
    public FlashSegments Add(int number, int length, int end, int records)
    {
        var table = this;
        if (Count == _numbers.Length)
        {
            table = new FlashSegments(_numbers.Length * 2);
            Array.Copy(_numbers, table._numbers, Count);
            Array.Copy(_lengths, table._lengths, Count);
            Array.Copy(_ends, table._ends, Count);
            Array.Copy(_records, table._records, Count);
            table.Count = Count;
            table.Records = Records;
            table.Bytes = Bytes;
        }

        var i = table.Count++;
        table._numbers[i] = number;
        table._lengths[i] = length;
        table._ends[i] = end;
        table._records[i] = records;
        table.Records += records;
        table.Bytes += length;
        return table;
    }

    /// <summary>A record of this many bytes (header included) was appended to the tail.</summary>
    public void Appended(int size)
    {
        var i = Count - 1;
        _lengths[i] += size;
        _ends[i] += size;
        _records[i]++;
        Records++;
        Bytes += size;
    }

    /// <summary>The head record was removed.</summary>
    public void RemovedFirst()
    {
        _records[0]--;
        Records--;
    }

    /// <summary>The head segment's valid records end at offset (nothing left in it).</summary>
    public void CutHead(int offset)
    {
        Records -= _records[0];
        _records[0] = 0;
        _ends[0] = offset;
    }

    /// <summary>Forgets the head segment (its file was deleted).</summary>
    public void RemoveHead()
    {
        Records -= _records[0];
        Bytes -= _lengths[0];
        Count--;
        Array.Copy(_numbers, 1, _numbers, 0, Count);
        Array.Copy(_lengths, 1, _lengths, 0, Count);
        Array.Copy(_ends, 1, _ends, 0, Count);
        Array.Copy(_records, 1, _records, 0, Count);
    }
}
