using System;
using System.IO;

namespace Edge.Device.NanoFramework;

/// <summary>
/// The RAM queue's overflow on the board's flash file system (LittleFS on ESP32): records in segment files
/// (<c>q00000001.seg</c>, ...), each behind a length + CRC-32C header, and the position of the oldest record in a
/// crash-safe head log. A reset at any moment loses no record whose <see cref="TryAppend"/> returned true and never
/// replays garbage: on open, each segment is read up to its first torn or garbled record and cut there (appends
/// continue in a new segment, nothing is ever overwritten). A record acknowledged just before a reset may be sent
/// once more (a duplicate the gateway recognises by boot id and sequence).
/// </summary>
/// <remarks>
/// <para>Capacity and wear: the files never exceed <see cref="FlashQueueOptions.CapacityBytes"/> (128 KiB by default);
/// a full queue refuses the record and the client applies its <see cref="QueueFullPolicy"/>. Flash is written only
/// while the RAM queue overflows: each spilled record costs one append (one LittleFS commit) and each acknowledged one
/// a 16-byte head-log append; a segment file is deleted when all its records are acknowledged. A connected device
/// whose RAM queue keeps up writes nothing. LittleFS spreads the erases over the partition.</para>
/// <para>Why not the shared Edge.Storage core (segments, frames, torn-tail scan) that the gateway log and the Meadow
/// SDK's queue use: this code compiles against nanoFramework's own mscorlib, which has no generics, Span,
/// RandomAccess or P/Invoke, and its file API appends on every write (see <see cref="FlashStorage"/>).</para>
/// <para>Not thread-safe: <see cref="MqttClient"/> calls it under its lock; give one instance to one client. Its
/// <see cref="IPersistentQueue"/> methods never throw: a storage error counts in <see cref="StorageErrors"/> and is
/// reported as full / nothing to read. On the board every read and write also allocates a transient buffer of its
/// size inside the firmware's FileStream; the client's steady-state publish path never touches flash.</para>
/// </remarks>
#pragma warning disable CA1711 // "Queue" is exactly what it is: a FIFO.
public sealed class FlashQueue : IPersistentQueue, IDisposable
#pragma warning restore CA1711
{
#if NANOFRAMEWORK_1_0
    private const string Separator = "\\";
#else
    private const string Separator = "/";
#endif

    private readonly string _directory;
    private readonly int _capacity;
    private readonly int _segmentBytes;
    private readonly int _maxRecord;
    private readonly FlashStorage _storage;
    private readonly FlashHeadLog _head;
    private readonly byte[] _scratch;
    private readonly byte[] _header = new byte[FlashRecord.HeaderSize];
    private FlashSegments _segments;
    private FileStream? _writer;
    private FileStream? _reader;
    private int _readerSegment = -1;
    private int _headOffset;
    private int _headLength = -1;
    private int _nextNumber;
    private bool _tailSealed;

    /// <summary>Opens (or creates) the queue in <see cref="FlashQueueOptions.Directory"/> and recovers it.</summary>
    /// <exception cref="ArgumentNullException">options is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    /// <exception cref="IOException">The directory cannot be created or read.</exception>
    public FlashQueue(FlashQueueOptions options)
        : this(options, null)
    {
    }

    internal FlashQueue(FlashQueueOptions options, IFlashObserver? observer)
    {
        if (options == null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        Check(options.Directory != null && options.Directory.Length > 0, "FlashQueueOptions.Directory is required");
        Check(options.MaxRecordBytes >= 16 && options.MaxRecordBytes <= FlashRecord.MaxLength, "FlashQueueOptions.MaxRecordBytes must be 16 to 65,535");
        Check(options.SegmentBytes >= options.MaxRecordBytes + FlashRecord.HeaderSize, "FlashQueueOptions.SegmentBytes must hold one record of MaxRecordBytes plus its 8-byte header");
        Check(options.CapacityBytes >= options.SegmentBytes, "FlashQueueOptions.CapacityBytes must be at least SegmentBytes");
        Check(options.HeadEntriesPerFile >= 1, "FlashQueueOptions.HeadEntriesPerFile must be positive");
        var directory = options.Directory!;
        while (directory.Length > 1 && (directory[directory.Length - 1] == '\\' || directory[directory.Length - 1] == '/'))
        {
            directory = directory.Substring(0, directory.Length - 1);
        }

        _directory = directory;
        _capacity = options.CapacityBytes;
        _segmentBytes = options.SegmentBytes;
        _maxRecord = options.MaxRecordBytes;
        _scratch = new byte[FlashRecord.HeaderSize + _maxRecord];
        _storage = new FlashStorage(observer);
        _head = new FlashHeadLog(_storage, _directory, Separator, options.HeadEntriesPerFile);
        _segments = new FlashSegments(_capacity / _segmentBytes + 4);
        Recover();
    }

    /// <inheritdoc />
    public int Count => _segments.Records;

    /// <summary>Largest record accepted (<see cref="FlashQueueOptions.MaxRecordBytes"/>).</summary>
    public int MaxRecordBytes => _maxRecord;

    /// <summary>Bytes the segment files occupy now (at most <see cref="FlashQueueOptions.CapacityBytes"/>).</summary>
    public int UsedBytes => _segments.Bytes;

    /// <summary>Torn or garbled data found and cut (on open, or when a record failed its CRC on reading).</summary>
    public int Cuts { get; private set; }

    /// <summary>Storage operations that failed since open (the record was refused or is retried later).</summary>
    public int StorageErrors { get; private set; }

    /// <summary>The last storage failure, for diagnostics (null when none).</summary>
    public Exception? LastError { get; private set; }

    /// <inheritdoc />
    public bool TryAppend(byte[] buffer, int offset, int count)
    {
        var size = FlashRecord.HeaderSize + count;
        if (buffer == null || count <= 0 || count > _maxRecord || _segments.Bytes + size > _capacity)
        {
            return false;
        }

#pragma warning disable CA1031 // IPersistentQueue must not throw: this runs inside Publish and on the receive thread.
        try
        {
            if (_segments.Count == 0 || _tailSealed || (_segments.TailLength > 0 && _segments.TailLength + size > _segmentBytes))
            {
                StartSegment();
            }
            else if (_writer == null)
            {
                _writer = _storage.OpenAppend(_directory, SegmentPath(_segments.TailNumber)); // the tail found on open
            }

            Array.Copy(buffer, offset, _scratch, FlashRecord.HeaderSize, count);
            FlashRecord.WriteHeader(_scratch, 0, count);
            _tailSealed = true; // until the write returns: after a failure the file may end in a torn record
            _storage.Append(_writer!, SegmentPath(_segments.TailNumber), _scratch, 0, size);
            _tailSealed = false;
            _segments.Appended(size);
            return true;
        }
        catch (Exception e)
        {
            LastError = e;
            StorageErrors++;
            return false;
        }
#pragma warning restore CA1031
    }

    /// <inheritdoc />
    public int PeekFirst(byte[] destination, int offset)
    {
#pragma warning disable CA1031 // IPersistentQueue must not throw.
        try
        {
            while (Count > 0)
            {
                DropConsumedSegments();
                var length = ReadHeadLength();
                if (length < 0)
                {
                    CutHead();
                    continue;
                }

                if (length > destination.Length - offset)
                {
                    return length;
                }

                if (FlashRecord.ReadAt(Reader(), _headOffset + FlashRecord.HeaderSize, destination, offset, length) == length
                    && FlashRecord.Verify(_header, 0, destination, offset, length))
                {
                    return length;
                }

                CutHead();
            }
        }
        catch (Exception e)
        {
            LastError = e;
            StorageErrors++;
        }
#pragma warning restore CA1031

        return -1;
    }

    /// <inheritdoc />
    public void RemoveFirst()
    {
#pragma warning disable CA1031 // IPersistentQueue must not throw.
        try
        {
            if (Count == 0)
            {
                return;
            }

            DropConsumedSegments();
            var length = ReadHeadLength();
            if (length < 0)
            {
                CutHead();
                return;
            }

            _headOffset += FlashRecord.HeaderSize + length;
            _headLength = -1;
            _segments.RemovedFirst();
            if (_headOffset >= _segments.HeadEnd && _segments.Count > 1)
            {
                DropConsumedSegments();
            }
            else
            {
                _head.Write(_segments.HeadNumber, _headOffset);
            }
        }
        catch (Exception e)
        {
            LastError = e;
            StorageErrors++;
        }
#pragma warning restore CA1031
    }

    /// <summary>Closes the files. Everything appended is already durable.</summary>
    public void Dispose()
    {
        CloseReader();
        CloseWriter();
        _head.Close();
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    /// <summary>
    /// Finds the segments, deletes the ones the head log says are consumed (a deletion a reset interrupted), and reads
    /// every remaining record from the head on, cutting each segment at its first invalid record.
    /// </summary>
    private void Recover()
    {
        FlashStorage.EnsureDirectory(_directory);
        var numbers = FlashSegmentNames.Numbers(Directory.GetFiles(_directory));
        _head.Load();
        var headNumber = _head.Found ? _head.Segment : 0;
        var headOffset = _head.Found ? _head.Offset : 0;
        _nextNumber = headOffset > 0 ? headNumber + 1 : headNumber;
        if (_nextNumber < 1)
        {
            _nextNumber = 1;
        }

        var scan = new byte[_maxRecord];
        for (var i = 0; i < numbers.Length; i++)
        {
            var number = numbers[i];
            if (number >= _nextNumber)
            {
                _nextNumber = number + 1;
            }

            if (number < headNumber)
            {
                _storage.Delete(_directory, SegmentPath(number)); // consumed: the head moved past it before a reset
                continue;
            }

            var start = number == headNumber ? headOffset : 0;
            int length;
            int records;
            int end;
            using (var stream = FlashStorage.OpenRead(SegmentPath(number)))
            {
                length = (int)stream.Length;
                if (start > length)
                {
                    start = length;
                }

                end = FlashRecord.Scan(stream, start, length, _header, ref scan, out records);
            }

            if (end < length)
            {
                Cuts++;
            }

            if (_segments.Count == 0)
            {
                _headOffset = start;
            }

            _segments = _segments.Add(number, length, end, records);
            _tailSealed = end < length; // only the last segment's flag survives the loop: never append after garbage
        }

        DropConsumedSegments();
    }

    /// <summary>Deletes head segments whose records are all acknowledged, head log first (a reset in between re-deletes).</summary>
    private void DropConsumedSegments()
    {
        while (_segments.Count > 1 && _headOffset >= _segments.HeadEnd)
        {
            var consumed = _segments.HeadNumber;
            _head.Write(_segments.Number(1), 0);
            if (_readerSegment == consumed)
            {
                CloseReader();
            }

            _storage.Delete(_directory, SegmentPath(consumed));
            _segments.RemoveHead();
            _headOffset = 0;
            _headLength = -1;
        }
    }

    /// <summary>The head record's announced length (header left in _header), or -1 when its header is invalid.</summary>
    private int ReadHeadLength()
    {
        if (_headLength >= 0)
        {
            return _headLength;
        }

        if (_headOffset + FlashRecord.HeaderSize > _segments.HeadEnd
            || FlashRecord.ReadAt(Reader(), _headOffset, _header, 0, FlashRecord.HeaderSize) != FlashRecord.HeaderSize)
        {
            return -1;
        }

        var length = FlashRecord.ReadLength(_header, 0);
        if (length < 0 || _headOffset + FlashRecord.HeaderSize + length > _segments.HeadEnd)
        {
            return -1;
        }

        _headLength = length;
        return length;
    }

    /// <summary>The head record failed its check on reading (flash corruption): the rest of its segment is cut.</summary>
    private void CutHead()
    {
        Cuts++;
        _headLength = -1;
        _segments.CutHead(_headOffset);
        if (_segments.Count == 1)
        {
            _tailSealed = true; // the head position is unchanged: nothing to write
        }
    }

    private void StartSegment()
    {
        CloseWriter();
        var number = _nextNumber++;
        _writer = _storage.OpenAppend(_directory, SegmentPath(number));
        _segments = _segments.Add(number, 0, 0, 0);
        _tailSealed = false;
        if (_segments.Count == 1)
        {
            _headOffset = 0;
            _headLength = -1;
        }
    }

    private FileStream Reader()
    {
        if (_reader == null || _readerSegment != _segments.HeadNumber)
        {
            CloseReader();
            _reader = FlashStorage.OpenRead(SegmentPath(_segments.HeadNumber));
            _readerSegment = _segments.HeadNumber;
        }

        return _reader;
    }

    private void CloseReader()
    {
        if (_reader != null)
        {
            _reader.Dispose();
            _reader = null;
        }

        _readerSegment = -1;
    }

    private void CloseWriter()
    {
        if (_writer != null)
        {
            _writer.Dispose();
            _writer = null;
        }
    }

    private string SegmentPath(int number) => _directory + Separator + FlashSegmentNames.Name(number);
}
