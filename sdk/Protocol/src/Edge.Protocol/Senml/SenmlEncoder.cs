using System;
using Edge.Protocol.Cbor;

namespace Edge.Protocol.Senml;

/// <summary>
/// Allocation-free SenML-CBOR pack encoder (RFC 8428 §6) writing into a caller-provided buffer: the device
/// hot path. Call <see cref="Begin"/>, then <c>TryAdd…</c> per reading, then <see cref="Finish"/>.
/// The first record carries the base name (bn), the base time (bt, omitted when 0) and the Edge dedupe
/// identity as extension fields "bid" (boot id) and "seq" (sequence number). Numbers are written as CBOR
/// integers when integral (|v| ≤ 2^53, not -0), otherwise as the shortest float (half, single or double)
/// that round-trips exactly; NaN becomes the canonical half NaN, ±Infinity and -0 are kept.
/// </summary>
/// <remarks>Not thread-safe: use one encoder per thread (or lock around a pack). Reusable after Finish.</remarks>
public sealed class SenmlEncoder
{
    /// <summary>Most records a pack may hold.</summary>
    public const int MaxRecords = 65535;

    /// <summary>Bytes reserved in front of the records for the array head (moved down by Finish).</summary>
    private const int HeadReserve = 3;

    private const int KindNumber = 0;
    private const int KindBoolean = 1;
    private const int KindString = 2;
    private const int KindData = 3;

    private readonly byte[]? _baseNameCbor;
    private readonly byte[] _bootIdLabel = SenmlLabels.BootIdCbor();
    private readonly byte[] _sequenceLabel = SenmlLabels.SequenceCbor();
    private byte[]? _buffer;
    private int _start;
    private int _limit;
    private int _position;
    private int _records;
    private double _baseTime;
    private uint _bootId;
    private uint _sequence;

    /// <summary>Creates an encoder whose packs carry this base name (its UTF-8 is cached once).</summary>
    /// <param name="baseName">The SenML base name (bn), e.g. <c>EdgeTopics.BaseName("esp32-01")</c>; empty for none.</param>
    /// <exception cref="ArgumentException">The base name is longer than 255 UTF-8 bytes or not valid UTF-16.</exception>
    public SenmlEncoder(string baseName)
    {
        ArgumentNullException.ThrowIfNull(baseName);
        BaseName = baseName;
        _baseNameCbor = baseName.Length == 0 ? null : SenmlName.EncodeText(baseName, nameof(baseName));
    }

    /// <summary>The base name (bn) written into each pack; empty for none.</summary>
    public string BaseName { get; }

    /// <summary>Records added since <see cref="Begin"/>.</summary>
    public int RecordCount => _records;

    /// <summary>Bytes a pack would take if finished now (an upper bound by at most 2 bytes before Finish).</summary>
    public int Length => _buffer == null ? 0 : _position - _start;

    /// <summary>Starts a pack in <paramref name="buffer"/>[offset, offset+count).</summary>
    /// <param name="buffer">Destination; reused across packs, never retained after <see cref="Finish"/> returns.</param>
    /// <param name="offset">First byte to write.</param>
    /// <param name="count">Bytes available.</param>
    /// <param name="baseTime">Base time (bt) in seconds since the Unix epoch; 0 omits it (receiver time applies).</param>
    /// <param name="bootId">Boot id for dedupe ("bid"): random per boot or a persisted counter.</param>
    /// <param name="sequence">Per-boot sequence number ("seq"), +1 per message.</param>
    /// <exception cref="ArgumentException">The range is invalid or baseTime is not finite.</exception>
    public void Begin(byte[] buffer, int offset, int count, double baseTime, uint bootId, uint sequence)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (offset < 0 || count < HeadReserve || offset > buffer.Length - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "offset and count must lie inside buffer, count at least 3.");
        }

        if (double.IsNaN(baseTime) || double.IsInfinity(baseTime))
        {
            throw new ArgumentOutOfRangeException(nameof(baseTime), "The base time must be finite.");
        }

        _buffer = buffer;
        _start = offset;
        _limit = offset + count;
        _position = offset + HeadReserve;
        _records = 0;
        _baseTime = baseTime;
        _bootId = bootId;
        _sequence = sequence;
    }

    /// <summary>Adds a numeric reading (v). Returns false, leaving the pack unchanged, when it does not fit.</summary>
    /// <param name="name">Registered name and unit.</param>
    /// <param name="value">The value; NaN and ±Infinity are allowed (see the class remarks).</param>
    /// <param name="time">Time (t) relative to the base time in seconds; 0 omits it.</param>
    /// <exception cref="InvalidOperationException">No pack was begun, or the pack holds <see cref="MaxRecords"/>.</exception>
    public bool TryAddNumber(SenmlName name, double value, double time)
        => TryAdd(name, KindNumber, value, false, null, null, 0, 0, time);

    /// <summary>Adds a boolean reading (vb). Returns false, leaving the pack unchanged, when it does not fit.</summary>
    /// <param name="name">Registered name and unit.</param>
    /// <param name="value">The value.</param>
    /// <param name="time">Time (t) relative to the base time in seconds; 0 omits it.</param>
    /// <exception cref="InvalidOperationException">No pack was begun, or the pack is full of records.</exception>
    public bool TryAddBoolean(SenmlName name, bool value, double time)
        => TryAdd(name, KindBoolean, 0, value, null, null, 0, 0, time);

    /// <summary>Adds a string reading (vs) without allocating. Returns false, leaving the pack unchanged, when it does not fit.</summary>
    /// <param name="name">Registered name and unit.</param>
    /// <param name="value">The value (valid UTF-16).</param>
    /// <param name="time">Time (t) relative to the base time in seconds; 0 omits it.</param>
    /// <exception cref="ArgumentException">The value holds an unpaired surrogate.</exception>
    /// <exception cref="InvalidOperationException">No pack was begun, or the pack is full of records.</exception>
    public bool TryAddString(SenmlName name, string value, double time)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryAdd(name, KindString, 0, false, value, null, 0, 0, time);
    }

    /// <summary>Adds a data reading (vd, a CBOR byte string). Returns false, leaving the pack unchanged, when it does not fit.</summary>
    /// <param name="name">Registered name and unit.</param>
    /// <param name="data">Source bytes.</param>
    /// <param name="offset">First source byte.</param>
    /// <param name="count">Number of bytes.</param>
    /// <param name="time">Time (t) relative to the base time in seconds; 0 omits it.</param>
    /// <exception cref="ArgumentException">The source range is invalid.</exception>
    /// <exception cref="InvalidOperationException">No pack was begun, or the pack is full of records.</exception>
    public bool TryAddData(SenmlName name, byte[] data, int offset, int count, double time)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (offset < 0 || count < 0 || offset > data.Length - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "offset and count must lie inside data.");
        }

        return TryAdd(name, KindData, 0, false, null, data, offset, count, time);
    }

    /// <summary>
    /// Completes the pack: writes the array head and moves the records down to follow it directly.
    /// The pack is <c>buffer[offset, offset + returned length)</c>.
    /// </summary>
    /// <returns>The pack's length in bytes.</returns>
    /// <exception cref="InvalidOperationException">No pack was begun or it holds no record.</exception>
    public int Finish()
    {
        var buffer = _buffer ?? throw new InvalidOperationException("Call Begin before Finish.");
        if (_records == 0)
        {
            throw new InvalidOperationException("A SenML pack needs at least one record.");
        }

        var headSize = CborWriter.HeadSize((ulong)_records);
        var body = _position - _start - HeadReserve;
        CborWriter.WriteHead(buffer, _start, _start + headSize, CborWriter.MajorArray, (ulong)_records);
        if (headSize != HeadReserve)
        {
            Array.Copy(buffer, _start + HeadReserve, buffer, _start + headSize, body);
        }

        _buffer = null;
        return headSize + body;
    }

    private bool TryAdd(SenmlName name, int kind, double number, bool flag, string? text, byte[]? data, int dataOffset, int dataCount, double time)
    {
        ArgumentNullException.ThrowIfNull(name);
        var buffer = _buffer ?? throw new InvalidOperationException("Call Begin before adding records.");
        if (_records >= MaxRecords)
        {
            throw new InvalidOperationException("A pack holds at most 65535 records.");
        }

        if (double.IsNaN(time) || double.IsInfinity(time))
        {
            throw new ArgumentOutOfRangeException(nameof(time), "The time must be finite.");
        }

        var first = _records == 0;
        var fields = 2 + (name.UnitCbor == null ? 0 : 1) + (time != 0 ? 1 : 0);
        if (first)
        {
            fields += 2 + (_baseNameCbor == null ? 0 : 1) + (_baseTime != 0 ? 1 : 0);
        }

        var p = CborWriter.WriteHead(buffer, _position, _limit, CborWriter.MajorMap, (ulong)fields);
        if (first)
        {
            if (_baseNameCbor != null)
            {
                p = WriteLabel(buffer, p, SenmlLabels.BaseName);
                p = CborWriter.WriteRaw(buffer, p, _limit, _baseNameCbor, 0, _baseNameCbor.Length);
            }

            if (_baseTime != 0)
            {
                p = WriteLabel(buffer, p, SenmlLabels.BaseTime);
                p = CborWriter.WriteNumber(buffer, p, _limit, _baseTime);
            }

            p = CborWriter.WriteRaw(buffer, p, _limit, _bootIdLabel, 0, _bootIdLabel.Length);
            p = CborWriter.WriteHead(buffer, p, _limit, CborWriter.MajorUnsigned, _bootId);
            p = CborWriter.WriteRaw(buffer, p, _limit, _sequenceLabel, 0, _sequenceLabel.Length);
            p = CborWriter.WriteHead(buffer, p, _limit, CborWriter.MajorUnsigned, _sequence);
        }

        p = WriteLabel(buffer, p, SenmlLabels.Name);
        p = CborWriter.WriteRaw(buffer, p, _limit, name.NameCbor, 0, name.NameCbor.Length);
        if (name.UnitCbor != null)
        {
            p = WriteLabel(buffer, p, SenmlLabels.Unit);
            p = CborWriter.WriteRaw(buffer, p, _limit, name.UnitCbor, 0, name.UnitCbor.Length);
        }

        switch (kind)
        {
            case KindNumber:
                p = WriteLabel(buffer, p, SenmlLabels.Value);
                p = CborWriter.WriteNumber(buffer, p, _limit, number);
                break;
            case KindBoolean:
                p = WriteLabel(buffer, p, SenmlLabels.BooleanValue);
                p = CborWriter.WriteBoolean(buffer, p, _limit, flag);
                break;
            case KindString:
                p = WriteLabel(buffer, p, SenmlLabels.StringValue);
                p = p < 0 ? p : CborWriter.WriteText(buffer, p, _limit, text!);
                if (p == -2)
                {
                    throw new ArgumentException("The string value holds an unpaired UTF-16 surrogate.", nameof(text));
                }

                break;
            default:
                p = WriteLabel(buffer, p, SenmlLabels.DataValue);
                p = CborWriter.WriteBytes(buffer, p, _limit, data!, dataOffset, dataCount);
                break;
        }

        if (time != 0)
        {
            p = WriteLabel(buffer, p, SenmlLabels.Time);
            p = CborWriter.WriteNumber(buffer, p, _limit, time);
        }

        if (p < 0)
        {
            return false;
        }

        _position = p;
        _records++;
        return true;
    }

    private int WriteLabel(byte[] buffer, int offset, int label) => CborWriter.WriteInt(buffer, offset, _limit, label);
}
