using Edge.Protocol.Cbor;

namespace Edge.Protocol.Senml;

/// <summary>
/// Renders decoded packs as SenML JSON (RFC 8428 §5), compact, for logs and debugging. Fields appear in
/// label order; "bid" and "seq" in the first record. vd is base64url. JSON has no NaN or infinities:
/// they are rendered as the strings "NaN", "Infinity" and "-Infinity" (not valid SenML JSON; debugging only).
/// </summary>
public static class SenmlJson
{
    /// <summary>Decodes a SenML-CBOR pack and renders it as SenML JSON.</summary>
    /// <param name="data">Source bytes.</param>
    /// <param name="offset">First byte of the pack.</param>
    /// <param name="count">Length of the pack.</param>
    /// <exception cref="EdgeFormatException">The input is not a valid SenML-CBOR pack.</exception>
    public static string FromCbor(byte[] data, int offset, int count) => Render(SenmlDecoder.Decode(data, offset, count));

    /// <summary>Renders a decoded pack as compact SenML JSON.</summary>
    /// <param name="pack">A decoded pack.</param>
    public static string Render(SenmlPack pack)
    {
        System.ArgumentNullException.ThrowIfNull(pack);
        var json = new JsonText();
        json.Append('[');
        for (var i = 0; i < pack.Count; i++)
        {
            var r = pack[i];
            if (i > 0)
            {
                json.Append(',');
            }

            json.Append('{');
            var first = true;
            if (r.Has(SenmlFields.BaseVersion))
            {
                Number(json, ref first, "bver", r.BaseVersion);
            }

            Text(json, ref first, "bn", r.BaseName);
            if (r.Has(SenmlFields.BaseTime))
            {
                Number(json, ref first, "bt", r.BaseTime);
            }

            Text(json, ref first, "bu", r.BaseUnit);
            if (r.Has(SenmlFields.BaseValue))
            {
                Number(json, ref first, "bv", r.BaseValue);
            }

            if (r.Has(SenmlFields.BaseSum))
            {
                Number(json, ref first, "bs", r.BaseSum);
            }

            if (i == 0 && pack.HasIdentity)
            {
                Number(json, ref first, "bid", pack.BootId);
                Number(json, ref first, "seq", pack.Sequence);
            }

            Text(json, ref first, "n", r.Name);
            Text(json, ref first, "u", r.Unit);
            if (r.Has(SenmlFields.Value))
            {
                Number(json, ref first, "v", r.Value);
            }

            Text(json, ref first, "vs", r.StringValue);
            if (r.Has(SenmlFields.BooleanValue))
            {
                Key(json, ref first, "vb");
                json.Append(r.BooleanValue ? "true" : "false");
            }

            if (r.DataValue != null)
            {
                Key(json, ref first, "vd");
                json.AppendBase64Url(r.DataValue);
            }

            if (r.Has(SenmlFields.Sum))
            {
                Number(json, ref first, "s", r.Sum);
            }

            if (r.Has(SenmlFields.Time))
            {
                Number(json, ref first, "t", r.Time);
            }

            if (r.Has(SenmlFields.UpdateTime))
            {
                Number(json, ref first, "ut", r.UpdateTime);
            }

            json.Append('}');
        }

        json.Append(']');
        return json.ToString();
    }

    private static void Key(JsonText json, ref bool first, string key)
    {
        if (!first)
        {
            json.Append(',');
        }

        first = false;
        json.AppendString(key);
        json.Append(':');
    }

    private static void Number(JsonText json, ref bool first, string key, double value)
    {
        Key(json, ref first, key);
        json.AppendNumber(value);
    }

    private static void Text(JsonText json, ref bool first, string key, string? value)
    {
        if (value != null)
        {
            Key(json, ref first, key);
            json.AppendString(value);
        }
    }
}
