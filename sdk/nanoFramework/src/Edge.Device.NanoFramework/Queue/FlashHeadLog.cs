using System.IO;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Where the flash queue's oldest record is (segment number, byte offset), kept crash-safely in two append-only
/// files used in turn. Each position is a 16-byte entry: sequence (u32), segment (u32), offset (u32), CRC-32C of
/// the first 12 bytes. On open the valid entry with the highest sequence wins, so a torn entry only ever falls back
/// to the previous position (a duplicate after a reset, never a loss). When the file in use is full (or ended in a
/// torn entry) the other one is emptied and continued: the newest entry is always in the file not being emptied.
/// </summary>
/// <remarks>
/// Two append-only files rather than write-new-then-rename or slots overwritten in place, because on the board
/// every write appends (the firmware opens files with "a+") and File.Move refuses an existing destination.
/// </remarks>
internal sealed class FlashHeadLog
{
    public const int EntrySize = 16;

    private readonly FlashStorage _storage;
    private readonly string _directory;
    private readonly string[] _paths = new string[2];
    private readonly byte[] _entry = new byte[EntrySize];
    private readonly int _entriesPerFile;
    private FileStream? _stream;
    private int _active;
    private int _entries;
    private bool _rotate = true;
    private uint _sequence;

    public FlashHeadLog(FlashStorage storage, string directory, string separator, int entriesPerFile)
    {
        _storage = storage;
        _directory = directory;
        _paths[0] = directory + separator + "head0";
        _paths[1] = directory + separator + "head1";
        _entriesPerFile = entriesPerFile;
    }

    /// <summary>True when an entry was found on open (false: nothing was ever removed).</summary>
    public bool Found { get; private set; }

    /// <summary>Segment number of the oldest record.</summary>
    public int Segment { get; private set; }

    /// <summary>Byte offset of the oldest record in its segment.</summary>
    public int Offset { get; private set; }

    /// <summary>Reads both files and takes the valid entry with the highest sequence.</summary>
    public void Load()
    {
        for (var i = 0; i < 2; i++)
        {
            if (!File.Exists(_paths[i]))
            {
                continue;
            }

            byte[] content;
            using (var stream = FlashStorage.OpenRead(_paths[i]))
            {
                content = new byte[(int)stream.Length];
                var read = FlashRecord.ReadAt(stream, 0, content, 0, content.Length);
                if (read != content.Length)
                {
                    content = Truncated(content, read);
                }
            }

            var clean = content.Length % EntrySize == 0;
            var entries = content.Length / EntrySize;
            for (var e = 0; e < entries; e++)
            {
                var at = e * EntrySize;
                if (FlashRecord.ReadUInt32(content, at + 12) != ~FlashRecord.Crc(content, at, 12, 0xFFFFFFFFu))
                {
                    clean = false;
                    continue;
                }

                var sequence = FlashRecord.ReadUInt32(content, at);
                if (!Found || sequence > _sequence)
                {
                    Found = true;
                    _sequence = sequence;
                    Segment = (int)FlashRecord.ReadUInt32(content, at + 4);
                    Offset = (int)FlashRecord.ReadUInt32(content, at + 8);
                    _active = i;
                    _entries = entries;
                }
            }

            if (Found && _active == i)
            {
                _rotate = !clean; // never append after a torn or garbled entry
            }
        }
    }

    /// <summary>Durably records a new position of the oldest record.</summary>
    public void Write(int segment, int offset)
    {
        _sequence++;
        FlashRecord.WriteUInt32(_entry, 0, _sequence);
        FlashRecord.WriteUInt32(_entry, 4, (uint)segment);
        FlashRecord.WriteUInt32(_entry, 8, (uint)offset);
        FlashRecord.WriteUInt32(_entry, 12, ~FlashRecord.Crc(_entry, 0, 12, 0xFFFFFFFFu));
        if (_rotate || _entries >= _entriesPerFile)
        {
            Close();
            _active = Found ? 1 - _active : 0;
            _stream = _storage.Recreate(_directory, _paths[_active]);
            _entries = 0;
            _rotate = false;
        }
        else if (_stream == null)
        {
            _stream = _storage.OpenAppend(_directory, _paths[_active]);
        }

        _rotate = true; // until the append returns: a failed write may have left a torn entry behind
        _storage.Append(_stream!, _paths[_active], _entry, 0, EntrySize);
        _rotate = false;
        _entries++;
        Found = true;
        Segment = segment;
        Offset = offset;
    }

    public void Close()
    {
        if (_stream != null)
        {
            _stream.Dispose();
            _stream = null;
        }
    }

    private static byte[] Truncated(byte[] content, int length)
    {
        var copy = new byte[length];
        System.Array.Copy(content, copy, length);
        return copy;
    }
}
