using MQTTnet;

namespace Edge.Gateway.Ingest.Routing;

/// <summary>
/// The topic filters MQTT clients of the embedded broker are subscribed to, kept beside MQTTnet's own sessions so that a
/// device's publish that no local client can receive skips MQTTnet's routing (<see cref="PublishIngest"/>). MQTTnet checks
/// every subscriber session for every publish (a lock and a list per session): with 1,000 Edge devices each subscribed to
/// its own command and desired-state topics that is 1,000 checks per telemetry message that none of them receives.
/// </summary>
/// <remarks>
/// <para>Always a superset of MQTTnet's subscriptions, so that no subscriber misses a message: a filter is added when the
/// subscription interceptor lets it through (before MQTTnet stores it; MQTTnet's server-side <c>SubscribeAsync</c> passes the
/// same interceptor), and removed only after MQTTnet removed it (its unsubscribed event, raised after the removal; the
/// gateway has no unsubscription interceptor that could keep a filter MQTTnet was asked to drop) or deleted the session. A
/// session replaced by a clean start keeps its filters here until the client unsubscribes or its session is deleted: a
/// stale filter only costs the routing it would have cost anyway. Matching is MQTTnet's own
/// (<see cref="MqttTopicFilterComparer"/>) on the filters that share a topic's leading levels.</para>
/// <para>Thread-safe: one lock, held for a few dictionary lookups per publish.</para>
/// </remarks>
internal sealed class LocalSubscriptions
{
    private readonly Lock _lock = new();

    // Filters without a wildcard, and the others by their literal leading levels (up to the first level with a wildcard),
    // each with the number of clients subscribed to it. A client's filters in a list: a device has two or three.
    private readonly Dictionary<string, int> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _byPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byClient = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _exactSpan;
    private readonly Dictionary<string, Dictionary<string, int>>.AlternateLookup<ReadOnlySpan<char>> _byPrefixSpan;

    public LocalSubscriptions()
    {
        _exactSpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _byPrefixSpan = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of distinct filters held (for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _exact.Count + _byPrefix.Values.Sum(f => f.Count);
            }
        }
    }

    /// <summary>A subscription of <paramref name="clientId"/> to <paramref name="filter"/> is about to be stored by MQTTnet.</summary>
    public void Add(string clientId, string filter)
    {
        lock (_lock)
        {
            if (!_byClient.TryGetValue(clientId, out var filters))
            {
                _byClient[clientId] = filters = new List<string>(2);
            }

            if (filters.Contains(filter))
            {
                return; // a repeated SUBSCRIBE replaces MQTTnet's subscription: still one
            }

            filters.Add(filter);
            if (!HasWildcard(filter))
            {
                _exact[filter] = _exact.GetValueOrDefault(filter) + 1;
                return;
            }

            var prefix = Prefix(filter);
            if (!_byPrefix.TryGetValue(prefix, out var counts))
            {
                _byPrefix[prefix] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            counts[filter] = counts.GetValueOrDefault(filter) + 1;
        }
    }

    /// <summary>MQTTnet removed the subscription (UNSUBSCRIBE).</summary>
    public void Remove(string clientId, string filter)
    {
        lock (_lock)
        {
            if (_byClient.TryGetValue(clientId, out var filters) && filters.Remove(filter))
            {
                Release(filter);
                if (filters.Count == 0)
                {
                    _byClient.Remove(clientId);
                }
            }
        }
    }

    /// <summary>MQTTnet deleted the client's session, with all its subscriptions.</summary>
    public void RemoveClient(string clientId)
    {
        lock (_lock)
        {
            if (_byClient.Remove(clientId, out var filters))
            {
                foreach (var filter in filters)
                {
                    Release(filter);
                }
            }
        }
    }

    /// <summary>True when some subscribed filter matches <paramref name="topic"/> (a topic name, not a filter).</summary>
    public bool AnyMatch(string topic)
    {
        lock (_lock)
        {
            var span = topic.AsSpan();
            if (_exactSpan.ContainsKey(span))
            {
                return true;
            }

            if (_byPrefix.Count == 0)
            {
                return false;
            }

            if (MatchesUnder(span[..0], topic))
            {
                return true;
            }

            var slash = span.IndexOf('/');
            while (slash >= 0)
            {
                if (MatchesUnder(span[..slash], topic))
                {
                    return true;
                }

                var next = span[(slash + 1)..].IndexOf('/');
                slash = next < 0 ? -1 : slash + 1 + next;
            }

            return MatchesUnder(span, topic);
        }
    }

    // Under _lock.
    private bool MatchesUnder(ReadOnlySpan<char> prefix, string topic)
    {
        if (!_byPrefixSpan.TryGetValue(prefix, out var filters))
        {
            return false;
        }

        foreach (var filter in filters.Keys)
        {
            if (MqttTopicFilterComparer.Compare(topic, filter) == MqttTopicFilterCompareResult.IsMatch)
            {
                return true;
            }
        }

        return false;
    }

    // Under _lock.
    private void Release(string filter)
    {
        if (!HasWildcard(filter))
        {
            if (_exact.TryGetValue(filter, out var refs))
            {
                if (refs > 1)
                {
                    _exact[filter] = refs - 1;
                }
                else
                {
                    _exact.Remove(filter);
                }
            }

            return;
        }

        var prefix = Prefix(filter);
        if (!_byPrefix.TryGetValue(prefix, out var counts) || !counts.TryGetValue(filter, out var count))
        {
            return;
        }

        if (count > 1)
        {
            counts[filter] = count - 1;
            return;
        }

        counts.Remove(filter);
        if (counts.Count == 0)
        {
            _byPrefix.Remove(prefix);
        }
    }

    private static bool HasWildcard(string filter) => filter.AsSpan().IndexOfAny('+', '#') >= 0;

    /// <summary>
    /// The filter's levels before the level holding its first wildcard ("edge/v1/d1/cmd/+" → "edge/v1/d1/cmd", "#" → ""),
    /// or the whole filter without one: only a topic with exactly these leading levels can match it.
    /// </summary>
    internal static string Prefix(string filter)
    {
        var wildcard = filter.AsSpan().IndexOfAny('+', '#');
        if (wildcard < 0)
        {
            return filter;
        }

        var levelStart = filter.LastIndexOf('/', Math.Max(0, wildcard - 1)) + 1;
        if (wildcard == 0)
        {
            levelStart = 0;
        }

        return levelStart == 0 ? string.Empty : filter[..(levelStart - 1)];
    }
}
