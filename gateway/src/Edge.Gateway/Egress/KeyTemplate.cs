using System.Globalization;
using System.Text;

namespace Edge.Gateway.Egress;

/// <summary>
/// A Kafka key template: literal text with <c>{clientid}</c>, <c>{topic}</c> and topic levels <c>{0}</c>, <c>{1}</c>, …
/// A level that the topic does not have renders as empty.
/// </summary>
internal sealed class KeyTemplate
{
    private readonly Part[] _parts;

    private KeyTemplate(Part[] parts) => _parts = parts;

    /// <summary>The default: the device id, so each device's records stay in order on one partition.</summary>
    public static KeyTemplate ClientId { get; } = Parse("{clientid}");

    /// <summary>Returns null for a valid template, else what is wrong with it.</summary>
    public static string? Validate(string template)
    {
        try
        {
            _ = Parse(template);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    public static KeyTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var parts = new List<Part>();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                parts.Add(new Part(PartKind.Literal, template[i..], 0));
                break;
            }

            if (open > i)
            {
                parts.Add(new Part(PartKind.Literal, template[i..open], 0));
            }

            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                throw new FormatException($"unclosed '{{' in key template '{template}'");
            }

            var name = template[(open + 1)..close];
            if (name.Equals("clientid", StringComparison.OrdinalIgnoreCase))
            {
                parts.Add(new Part(PartKind.ClientId, "", 0));
            }
            else if (name.Equals("topic", StringComparison.OrdinalIgnoreCase))
            {
                parts.Add(new Part(PartKind.Topic, "", 0));
            }
            else if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var level) && level < 64)
            {
                parts.Add(new Part(PartKind.Level, "", level));
            }
            else
            {
                throw new FormatException($"unknown placeholder '{{{name}}}' in key template '{template}' (use {{clientid}}, {{topic}} or a topic level {{0}}, {{1}}, ...)");
            }

            i = close + 1;
        }

        return new KeyTemplate([.. parts]);
    }

    public string Render(string clientId, string topic)
    {
        if (_parts.Length == 1 && _parts[0].Kind == PartKind.ClientId)
        {
            return clientId;
        }

        var builder = new StringBuilder();
        string[]? levels = null;
        foreach (var part in _parts)
        {
            switch (part.Kind)
            {
                case PartKind.Literal:
                    builder.Append(part.Text);
                    break;
                case PartKind.ClientId:
                    builder.Append(clientId);
                    break;
                case PartKind.Topic:
                    builder.Append(topic);
                    break;
                default:
                    levels ??= topic.Split('/');
                    if (part.Level < levels.Length)
                    {
                        builder.Append(levels[part.Level]);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    private enum PartKind
    {
        Literal,
        ClientId,
        Topic,
        Level,
    }

    private readonly record struct Part(PartKind Kind, string Text, int Level);
}
