using System;
using System.Net;
using System.Net.Sockets;

namespace Edge.Device.NanoFramework;

/// <summary>
/// An <see cref="IWallClock"/> set from an SNTP server (RFC 4330 client mode), normally the site gateway's
/// (<c>Sntp:Enabled</c>) at a site without internet: <see cref="TrySync"/> asks once and, on a usable answer, keeps the
/// offset between the server's time and the board's system clock (<see cref="ISystemClock"/>, <c>DateTime.UtcNow</c>);
/// <see cref="UnixSeconds"/> is then the system clock plus that offset. A system clock that is already set (year 2020
/// or later: firmware SNTP, an RTC) counts as set too.
/// </summary>
/// <remarks>
/// One UDP datagram each way on a connected UDP socket (Connect, Send, Poll, Receive: the same calls on the board and on
/// .NET). A reply is used only when it is a server reply (mode 4) to this request (originate = our transmit timestamp),
/// with a stratum of 1-15 and no alarm (leap indicator 3: the gateway's own clock is unset). Everything else, and a
/// timeout, leaves the clock as it was with <see cref="LastError"/> saying why. The offset is not slewed: a later sync
/// steps it (readings are seconds apart; a step of milliseconds is below their precision). Thread-safe; allocates a
/// socket per sync, so call it rarely (the runtime does while the clock is unknown, every 60 s).
/// <para>The system clock is set too, because the board's TLS (mbedTLS) checks certificate dates against it: after a
/// usable answer, when the system clock is more than <see cref="SetClockThresholdMilliseconds"/> (1 s) off the server's
/// time, <see cref="ISystemClock.TrySet"/> is called once with the server's time (on the board
/// <c>Rtc.SetSystemTime</c>, see <see cref="SystemClock"/>), and the offset kept is what is left after it (under a
/// second: Rtc sets whole seconds). Within 1 s nothing is set (a clock that is right is never stepped). When TrySet
/// returns false (on .NET always) the offset keeps correcting timestamps only (<see cref="SystemClockRefusals"/>).
/// An exception from a custom <see cref="ISystemClock"/> leaves TrySync.</para>
/// </remarks>
public sealed class SntpClock : IWallClock
{
    private const long UnixEpochTicks = 621_355_968_000_000_000;
    private const long NtpEpochTicks = 599_266_080_000_000_000; // 1900-01-01T00:00:00Z
    private const long MinimumSetTicks = 637_134_336_000_000_000; // 2020-01-01T00:00:00Z

    /// <summary>The system clock is set when it is more than this far from the server's time: 1,000 ms.</summary>
    public const int SetClockThresholdMilliseconds = 1_000;

    private readonly string _host;
    private readonly int _port;
    private readonly ISystemClock _system;
    private readonly object _gate = new object();
    private readonly byte[] _request = new byte[48];
    private readonly byte[] _reply = new byte[64];
    private long _offsetTicks;
    private bool _synced;
    private string? _lastError;
    private int _syncs;
    private int _systemClockSets;
    private int _systemClockRefusals;

    /// <summary>
    /// A clock set from the SNTP server at host:port (SNTP's port is 123, the gateway's <c>Sntp:Port</c>) that also sets
    /// the board's system clock (<see cref="SystemClock"/>).
    /// </summary>
    public SntpClock(string host, int port)
        : this(host, port, new SystemClock())
    {
    }

    /// <summary>A clock set from the SNTP server at host:port, reading and setting <paramref name="systemClock"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="systemClock"/> is null.</exception>
    public SntpClock(string host, int port, ISystemClock systemClock)
    {
        _host = host;
        _port = port;
        _system = systemClock ?? throw new ArgumentNullException(nameof(systemClock));
    }

    private long LocalTicks => _system.UtcNow.Ticks;

    /// <inheritdoc />
    public bool IsSet
    {
        get
        {
            lock (_gate)
            {
                return _synced || LocalTicks >= MinimumSetTicks;
            }
        }
    }

    /// <inheritdoc />
    public double UnixSeconds
    {
        get
        {
            lock (_gate)
            {
                return (LocalTicks + _offsetTicks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;
            }
        }
    }

    /// <summary>Server time minus local time, in 100 ns ticks, from the last successful sync (0 before).</summary>
    public long OffsetTicks
    {
        get
        {
            lock (_gate)
            {
                return _offsetTicks;
            }
        }
    }

    /// <summary>Successful syncs so far.</summary>
    public int Syncs
    {
        get
        {
            lock (_gate)
            {
                return _syncs;
            }
        }
    }

    /// <summary>How often the system clock was set (<see cref="ISystemClock.TrySet"/> returned true).</summary>
    public int SystemClockSets
    {
        get
        {
            lock (_gate)
            {
                return _systemClockSets;
            }
        }
    }

    /// <summary>How often the system clock was more than 1 s off and <see cref="ISystemClock.TrySet"/> returned false.</summary>
    public int SystemClockRefusals
    {
        get
        {
            lock (_gate)
            {
                return _systemClockRefusals;
            }
        }
    }

    /// <summary>Why the last sync failed (timeout, unusable reply, socket error), or null after a success and before any.</summary>
    public string? LastError
    {
        get
        {
            lock (_gate)
            {
                return _lastError;
            }
        }
    }

    /// <summary>
    /// Asks the server once, waiting up to <paramref name="timeoutMilliseconds"/> for its answer; true when the clock is
    /// now set from it. Never throws for network trouble (see <see cref="LastError"/>).
    /// </summary>
    public bool TrySync(int timeoutMilliseconds)
    {
        lock (_gate)
        {
            var error = Exchange(timeoutMilliseconds);
            _lastError = error;
            return error == null;
        }
    }

    private string? Exchange(int timeoutMilliseconds)
    {
        Socket? socket = null;
        try
        {
            socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var address = HostAddress.ResolveIPv4(_host);
            if (address == null)
            {
                return "SNTP to " + _host + ": no IPv4 address for " + _host;
            }

            socket.Connect(new IPEndPoint(address, _port));
            Array.Clear(_request, 0, _request.Length);
            _request[0] = 0x23; // LI 0, version 4, mode 3 (client)
            var sent = LocalTicks;
            WriteTimestamp(_request, 40, sent + _offsetTicks);
            socket.Send(_request, 0, _request.Length, SocketFlags.None);
            if (!socket.Poll(timeoutMilliseconds * 1000, SelectMode.SelectRead))
            {
                return "no SNTP answer from " + _host + ":" + _port + " within " + timeoutMilliseconds + " ms (is Sntp:Enabled set on the gateway?)";
            }

            var length = socket.Receive(_reply, 0, _reply.Length, SocketFlags.None);
            var arrived = LocalTicks;
            var problem = Check(length);
            if (problem != null)
            {
                return "unusable SNTP answer from " + _host + ": " + problem;
            }

            // RFC 4330 section 5: offset = ((T2 - T1) + (T3 - T4)) / 2, with T1 and T4 on the local clock (+ the old offset).
            var t1 = sent + _offsetTicks;
            var t4 = arrived + _offsetTicks;
            var t2 = ReadTimestamp(_reply, 32);
            var t3 = ReadTimestamp(_reply, 40);
            _offsetTicks += ((t2 - t1) + (t3 - t4)) / 2;
            _synced = true;
            _syncs++;
            SetSystemClockIfOff();
            return null;
        }
        catch (SocketException e)
        {
#if NANOFRAMEWORK_1_0
            return "SNTP to " + _host + ":" + _port + " failed (socket error " + e.ErrorCode + ")";
#else
            return "SNTP to " + _host + ":" + _port + " failed (" + e.Message + ")";
#endif
        }
        finally
        {
            socket?.Close();
        }
    }

    /// <summary>Steps the system clock to the server's time when it is more than SetClockThresholdMilliseconds off.</summary>
    private void SetSystemClockIfOff()
    {
        var off = _offsetTicks < 0 ? -_offsetTicks : _offsetTicks; // no Math on the board (System.Math is another package)
        if (off <= SetClockThresholdMilliseconds * TimeSpan.TicksPerMillisecond)
        {
            return;
        }

        var target = LocalTicks + _offsetTicks;
        if (_system.TrySet(new DateTime(target, DateTimeKind.Utc)))
        {
            _offsetTicks = target - LocalTicks; // what the step left: Rtc.SetSystemTime keeps whole seconds
            _systemClockSets++;
        }
        else
        {
            _systemClockRefusals++;
        }
    }

    private string? Check(int length)
    {
        if (length < 48)
        {
            return "only " + length + " bytes";
        }

        if ((_reply[0] & 7) != 4)
        {
            return "not a server reply (mode " + (_reply[0] & 7) + ")";
        }

        if ((_reply[0] >> 6) == 3 || _reply[1] == 0 || _reply[1] > 15)
        {
            return "the server's clock is not synchronised (leap " + (_reply[0] >> 6) + ", stratum " + _reply[1] + "): is the gateway's own clock set?";
        }

        for (var i = 0; i < 8; i++)
        {
            if (_reply[24 + i] != _request[40 + i])
            {
                return "not an answer to this request (originate timestamp differs)";
            }
        }

        return null;
    }

    /// <summary>NTP timestamp (era 0: seconds since 1900 in 32 bits, 32-bit fraction), big-endian, from .NET ticks.</summary>
    internal static void WriteTimestamp(byte[] buffer, int offset, long ticks)
    {
        var since = ticks - NtpEpochTicks;
        var seconds = (ulong)(since / TimeSpan.TicksPerSecond);
        var fraction = ((ulong)(since % TimeSpan.TicksPerSecond) << 32) / TimeSpan.TicksPerSecond;
        var value = (seconds << 32) | fraction;
        for (var i = 7; i >= 0; i--)
        {
            buffer[offset + i] = (byte)value;
            value >>= 8;
        }
    }

    /// <summary>The .NET ticks of an NTP timestamp (era 0 only: until 2036).</summary>
    internal static long ReadTimestamp(byte[] buffer, int offset)
    {
        ulong value = 0;
        for (var i = 0; i < 8; i++)
        {
            value = (value << 8) | buffer[offset + i];
        }

        var seconds = (long)(value >> 32);
        var fraction = (long)(((value & 0xFFFFFFFF) * TimeSpan.TicksPerSecond) >> 32);
        return NtpEpochTicks + seconds * TimeSpan.TicksPerSecond + fraction;
    }
}
