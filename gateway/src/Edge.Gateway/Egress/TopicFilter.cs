namespace Edge.Gateway.Egress;

/// <summary>MQTT topic filter matching with <c>+</c> (one level) and <c>#</c> (all remaining levels) [MQTT-4.7.1].</summary>
internal static class TopicFilter
{
    /// <summary>Returns null for a valid filter, else what is wrong with it.</summary>
    public static string? Validate(string? filter)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return "must be an MQTT topic filter, e.g. edge/v1/+/telemetry";
        }

        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            if (level == "#" && i != levels.Length - 1)
            {
                return $"'#' must be the last level (in '{filter}') [MQTT-4.7.1-2]";
            }

            if (level.Length > 1 && (level.Contains('#', StringComparison.Ordinal) || level.Contains('+', StringComparison.Ordinal)))
            {
                return $"wildcards must occupy a whole level (in '{filter}') [MQTT-4.7.1-3]";
            }
        }

        return null;
    }

    /// <summary>True when the topic name matches the (valid) filter.</summary>
    public static bool Matches(string filter, string topic)
    {
        var f = 0;
        var t = 0;
        while (true)
        {
            var fEnd = filter.IndexOf('/', f);
            var fLevel = fEnd < 0 ? filter.AsSpan(f) : filter.AsSpan(f, fEnd - f);
            if (fLevel is "#")
            {
                // [MQTT-4.7.2-1] '#' does not match topics starting with '$' at the first level.
                return !(f == 0 && topic.StartsWith('$'));
            }

            if (t > topic.Length)
            {
                return false;
            }

            var tEnd = topic.IndexOf('/', t);
            var tLevel = tEnd < 0 ? topic.AsSpan(t) : topic.AsSpan(t, tEnd - t);
            if (fLevel is "+")
            {
                if (f == 0 && topic.StartsWith('$'))
                {
                    return false;
                }
            }
            else if (!fLevel.SequenceEqual(tLevel))
            {
                return false;
            }

            if (fEnd < 0 || tEnd < 0)
            {
                // Both must end together; "a/#" also matches "a" (the parent level) [MQTT-4.7.1-2].
                return fEnd < 0 && tEnd < 0 || (tEnd < 0 && filter.AsSpan(fEnd + 1) is "#");
            }

            f = fEnd + 1;
            t = tEnd + 1;
        }
    }
}
