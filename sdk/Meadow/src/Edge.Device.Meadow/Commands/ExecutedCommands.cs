using System.Text;
using Edge.Storage;

namespace Edge.Device.Meadow.Commands;

/// <summary>
/// The ids of the last commands executed, with the ack each got, so that a command resent with the same id (after a
/// reconnect, a gateway restart or a reboot of the device) is acked again instead of executed again. At most
/// <c>capacity</c> ids, the oldest forgotten first. Kept in <c>commands.executed</c> in the queue folder, replaced
/// atomically (<see cref="AtomicFile"/>: written, flushed, renamed, directory fsynced) after every new command and
/// before its ack goes out; framed with a magic number and a CRC-32C, so a damaged file is noticed and starts empty.
/// </summary>
/// <remarks>Not thread-safe: the command dispatcher runs one command at a time.</remarks>
internal sealed class ExecutedCommands
{
    /// <summary>The file's name in the queue folder.</summary>
    public const string FileName = "commands.executed";

    private const uint Magic = 0x31434445; // "EDC1"

    private readonly string _path;
    private readonly int _capacity;
    private readonly LinkedList<Entry> _order = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byId = new(StringComparer.Ordinal);

    private ExecutedCommands(string path, int capacity)
    {
        _path = path;
        _capacity = capacity;
    }

    /// <summary>How many ids are remembered now.</summary>
    public int Count => _order.Count;

    /// <summary>True when the file existed but was damaged (it was ignored).</summary>
    public bool WasDamaged { get; private set; }

    /// <summary>Loads the remembered ids of <paramref name="directory"/> (none when the file is missing or damaged).</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public static ExecutedCommands Open(string directory, int capacity)
    {
        var commands = new ExecutedCommands(Path.Combine(directory, FileName), capacity);
        if (File.Exists(commands._path))
        {
            commands.Load(File.ReadAllBytes(commands._path));
        }

        return commands;
    }

    /// <summary>True when the id was executed; then its ack result.</summary>
    public bool TryFind(string id, out bool ok, out string? message)
    {
        if (_byId.TryGetValue(id, out var node))
        {
            ok = node.Value.Ok;
            message = node.Value.Message;
            return true;
        }

        ok = false;
        message = null;
        return false;
    }

    /// <summary>Remembers an executed command and makes the list durable.</summary>
    /// <exception cref="IOException">The file could not be replaced (the id is still remembered in RAM).</exception>
    public void Remember(string id, bool ok, string? message)
    {
        if (_byId.ContainsKey(id))
        {
            return;
        }

        _byId[id] = _order.AddLast(new Entry(id, ok, message));
        while (_order.Count > _capacity)
        {
            _byId.Remove(_order.First!.Value.Id);
            _order.RemoveFirst();
        }

        AtomicFile.Write(_path, Serialize());
    }

    private byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(_order.Count);
            foreach (var entry in _order)
            {
                writer.Write(entry.Id);
                writer.Write(entry.Ok);
                writer.Write(entry.Message is not null);
                writer.Write(entry.Message ?? string.Empty);
            }
        }

        var body = stream.ToArray();
        var framed = new byte[body.Length + 4];
        body.CopyTo(framed, 0);
        BitConverter.TryWriteBytes(framed.AsSpan(body.Length), Crc32C.Compute(body));
        return framed;
    }

    private void Load(byte[] bytes)
    {
        if (bytes.Length < 12 || BitConverter.ToUInt32(bytes, bytes.Length - 4) != Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)))
        {
            WasDamaged = true;
            return;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 4), Encoding.UTF8);
            if (reader.ReadUInt32() != Magic)
            {
                WasDamaged = true;
                return;
            }

            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadString();
                var ok = reader.ReadBoolean();
                var hasMessage = reader.ReadBoolean();
                var message = reader.ReadString();
                if (!_byId.ContainsKey(id))
                {
                    _byId[id] = _order.AddLast(new Entry(id, ok, hasMessage ? message : null));
                }
            }

            while (_order.Count > _capacity)
            {
                _byId.Remove(_order.First!.Value.Id);
                _order.RemoveFirst();
            }
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException)
        {
            _order.Clear();
            _byId.Clear();
            WasDamaged = true;
        }
    }

    private sealed record Entry(string Id, bool Ok, string? Message);
}
