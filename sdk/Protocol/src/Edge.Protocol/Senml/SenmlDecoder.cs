using System.Collections;
using Edge.Protocol.Cbor;

namespace Edge.Protocol.Senml;

/// <summary>
/// Decodes SenML-CBOR packs (RFC 8428 §6) for the gateway and tools. Strict and bounded: any malformed
/// input throws <see cref="EdgeFormatException"/> (with the byte offset), never another exception, and
/// allocation is bounded by the input size. Unknown integer labels and unknown text labels are ignored
/// (RFC 8428 §4.4); text labels ending in '_' ("must understand") are rejected; duplicate labels in a record
/// are rejected. Definite and indefinite-length arrays/maps are accepted; text must be definite-length UTF-8.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class SenmlDecoder
{
    /// <summary>Decodes a whole byte array.</summary>
    /// <param name="data">The pack.</param>
    /// <exception cref="EdgeFormatException">The input is not a valid SenML-CBOR pack.</exception>
    public static SenmlPack Decode(byte[] data)
    {
        System.ArgumentNullException.ThrowIfNull(data);
        return Decode(data, 0, data.Length);
    }

    /// <summary>Decodes the pack in <paramref name="data"/>[offset, offset+count); trailing bytes are an error.</summary>
    /// <param name="data">Source bytes.</param>
    /// <param name="offset">First byte of the pack.</param>
    /// <param name="count">Length of the pack.</param>
    /// <exception cref="EdgeFormatException">The input is not a valid SenML-CBOR pack.</exception>
    /// <exception cref="System.ArgumentException">The range is invalid (a caller bug, not bad input).</exception>
    public static SenmlPack Decode(byte[] data, int offset, int count)
    {
        var reader = new CborReader(data, offset, count);
        var records = new ArrayList();
        var hasBootId = false;
        var hasSequence = false;
        uint bootId = 0;
        uint sequence = 0;
        var baseName = string.Empty;
        double baseTime = 0;
        string? baseUnit = null;
        double baseValue = 0;

        var length = reader.ReadArrayStart();
        for (var i = 0; reader.HasNext(length, i); i++)
        {
            var record = new SenmlRecord();
            var mapLength = reader.ReadMapStart();
            for (var j = 0; reader.HasNext(mapLength, j); j++)
            {
                var major = reader.PeekMajor();
                if (major == CborWriter.MajorText)
                {
                    var at = reader.Offset;
                    var label = reader.ReadText();
                    if (label == SenmlLabels.BootId && i == 0)
                    {
                        Once(hasBootId, at);
                        bootId = reader.ReadUInt32();
                        hasBootId = true;
                    }
                    else if (label == SenmlLabels.Sequence && i == 0)
                    {
                        Once(hasSequence, at);
                        sequence = reader.ReadUInt32();
                        hasSequence = true;
                    }
                    else if (label.Length > 0 && label[label.Length - 1] == '_')
                    {
                        throw new EdgeFormatException("Unsupported must-understand field '" + label + "'", at);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (major == CborWriter.MajorUnsigned || major == CborWriter.MajorNegative)
                {
                    ReadField(reader, record);
                }
                else
                {
                    throw reader.Error("A SenML label must be an integer or a text string");
                }
            }

            if (record.Has(SenmlFields.BaseName))
            {
                baseName = record.BaseName!;
            }

            if (record.Has(SenmlFields.BaseTime))
            {
                baseTime = record.BaseTime;
            }

            if (record.Has(SenmlFields.BaseUnit))
            {
                baseUnit = record.BaseUnit;
            }

            if (record.Has(SenmlFields.BaseValue))
            {
                baseValue = record.BaseValue;
            }

            record.ResolvedName = record.Name == null ? baseName : baseName + record.Name;
            record.ResolvedTime = baseTime + record.Time;
            record.ResolvedUnit = record.Unit ?? baseUnit;
            record.ResolvedValue = baseValue + record.Value;
            records.Add(record);
        }

        if (!reader.AtEnd)
        {
            throw reader.Error("Trailing bytes after the SenML pack");
        }

        if (records.Count == 0)
        {
            throw new EdgeFormatException("A SenML pack needs at least one record", 0);
        }

        return new SenmlPack(records, hasBootId && hasSequence, bootId, sequence);
    }

    private static void Once(bool seen, int at)
    {
        if (seen)
        {
            throw new EdgeFormatException("Duplicate label in a SenML record", at);
        }
    }

    private static void ReadField(CborReader reader, SenmlRecord record)
    {
        var at = reader.Offset;
        var label = reader.ReadNumber();
        if (label < -128 || label > 128)
        {
            reader.Skip();
            return;
        }

        var field = FieldOf((int)label);
        if (field == SenmlFields.None)
        {
            reader.Skip();
            return;
        }

        if (record.Has(field))
        {
            throw new EdgeFormatException("Duplicate label in a SenML record", at);
        }

        record.Fields |= field;
        switch ((int)label)
        {
            case SenmlLabels.BaseVersion:
                var version = reader.ReadNumber();
                if (version < 0 || version > int.MaxValue || version != (long)version)
                {
                    throw new EdgeFormatException("bver must be a non-negative integer", at);
                }

                record.BaseVersion = (long)version;
                break;
            case SenmlLabels.BaseName:
                record.BaseName = reader.ReadText();
                break;
            case SenmlLabels.BaseTime:
                record.BaseTime = reader.ReadNumber();
                break;
            case SenmlLabels.BaseUnit:
                record.BaseUnit = reader.ReadText();
                break;
            case SenmlLabels.BaseValue:
                record.BaseValue = reader.ReadNumber();
                break;
            case SenmlLabels.BaseSum:
                record.BaseSum = reader.ReadNumber();
                break;
            case SenmlLabels.Name:
                record.Name = reader.ReadText();
                break;
            case SenmlLabels.Unit:
                record.Unit = reader.ReadText();
                break;
            case SenmlLabels.Value:
                record.Value = reader.ReadNumber();
                break;
            case SenmlLabels.StringValue:
                record.StringValue = reader.ReadText();
                break;
            case SenmlLabels.BooleanValue:
                record.BooleanValue = reader.ReadBoolean();
                break;
            case SenmlLabels.Sum:
                record.Sum = reader.ReadNumber();
                break;
            case SenmlLabels.Time:
                record.Time = reader.ReadNumber();
                break;
            case SenmlLabels.UpdateTime:
                record.UpdateTime = reader.ReadNumber();
                break;
            default:
                record.DataValue = reader.ReadBytes();
                break;
        }
    }

    private static SenmlFields FieldOf(int label)
    {
        switch (label)
        {
            case SenmlLabels.BaseVersion: return SenmlFields.BaseVersion;
            case SenmlLabels.BaseName: return SenmlFields.BaseName;
            case SenmlLabels.BaseTime: return SenmlFields.BaseTime;
            case SenmlLabels.BaseUnit: return SenmlFields.BaseUnit;
            case SenmlLabels.BaseValue: return SenmlFields.BaseValue;
            case SenmlLabels.BaseSum: return SenmlFields.BaseSum;
            case SenmlLabels.Name: return SenmlFields.Name;
            case SenmlLabels.Unit: return SenmlFields.Unit;
            case SenmlLabels.Value: return SenmlFields.Value;
            case SenmlLabels.StringValue: return SenmlFields.StringValue;
            case SenmlLabels.BooleanValue: return SenmlFields.BooleanValue;
            case SenmlLabels.Sum: return SenmlFields.Sum;
            case SenmlLabels.Time: return SenmlFields.Time;
            case SenmlLabels.UpdateTime: return SenmlFields.UpdateTime;
            case SenmlLabels.DataValue: return SenmlFields.DataValue;
            default: return SenmlFields.None;
        }
    }
}
