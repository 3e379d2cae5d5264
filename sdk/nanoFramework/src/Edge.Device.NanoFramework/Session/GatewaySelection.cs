using System;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Which gateway of a site's list a device connects to next: the list in order at first; after a success that gateway is
/// the last good one, and after a drop or failed connect the order is the last good one first, then the others in list
/// order, round after round (each failed attempt moves one step). The caller waits its one backoff between attempts
/// (nanoFramework MqttClient, Meadow's MqttSession): this type keeps no time. The one implementation for both SDKs: the
/// nanoFramework build, the Meadow netstandard2.1 build (through MqttClient) and the Meadow net8.0 build (linked source).
/// </summary>
/// <remarks>Not thread-safe: owned by one connect loop. The last good gateway is kept in RAM only (a reset starts at the first).</remarks>
internal sealed class GatewaySelection
{
    private readonly int _count;
    private int _lastGood;
    private int _step; // 0: the last good one; k >= 1: the k-th of the others, in list order
    private int _current;

    /// <summary>A selection over <paramref name="count"/> gateways, starting with the first.</summary>
    /// <exception cref="ArgumentException">count is less than 1.</exception>
    public GatewaySelection(int count)
    {
        if (count < 1)
        {
            throw new ArgumentException("gateways: the list is empty (at least one host:port)");
        }

        _count = count;
    }

    /// <summary>How many gateways there are.</summary>
    public int Count => _count;

    /// <summary>Index of the gateway connected to, or to be tried next.</summary>
    public int Current => _current;

    /// <summary>Index of the gateway of the last successful connect (0 before any).</summary>
    public int LastGood => _lastGood;

    /// <summary>The connect to <see cref="Current"/> succeeded (CONNACK accepted): it becomes the last good one.</summary>
    public void Succeeded()
    {
        _lastGood = _current;
        _step = 0;
    }

    /// <summary>
    /// The connect to <see cref="Current"/> failed: <see cref="Current"/> moves one step. (A connection that drops after a
    /// success needs no call: <see cref="Current"/> is then the last good one, tried first.)
    /// </summary>
    public void Failed()
    {
        _step = (_step + 1) % _count;
        var index = _step - 1;
        _current = _step == 0 ? _lastGood : (index >= _lastGood ? index + 1 : index);
    }
}
