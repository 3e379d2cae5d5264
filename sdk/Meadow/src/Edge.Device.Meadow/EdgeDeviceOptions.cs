using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Edge.Device.Meadow;

/// <summary>
/// Configuration of an <see cref="IEdgeDevice"/>. Only <see cref="DeviceId"/>, <see cref="Host"/> and
/// <see cref="QueueDirectory"/> are required; every other property documents its default and unit.
/// Read once by <see cref="EdgeDevice.Create"/>; later changes have no effect.
/// </summary>
public sealed class EdgeDeviceOptions
{
    /// <summary>Required. The device id: 1–64 characters of [A-Za-z0-9._-]; also the MQTT client id and the SenML base name.</summary>
    public string DeviceId { get; set; } = string.Empty;

    /// <summary>
    /// Host name or IP address of the MQTT broker (the site gateway). Required unless <see cref="Gateways"/> lists the
    /// site's gateways (set one or the other).
    /// </summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>TCP port of <see cref="Host"/>. Default 1883. Not used with <see cref="Gateways"/> (each entry has its port).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>
    /// A site with several gateways: their <c>host:port</c> entries in the order to try, e.g.
    /// <c>Gateways = { "10.0.0.2:1883", "10.0.0.3:1883" }</c> (instead of <see cref="Host"/>/<see cref="Port"/>;
    /// <see cref="EdgeDeviceConfig"/> fills it from the <c>gateways</c> field of the board configuration). The device tries
    /// them in order, one attempt per reconnect backoff step (<see cref="ReconnectMinDelay"/> doubling to
    /// <see cref="ReconnectMaxDelay"/>: a failed connect moves to the next entry), and sticks to the last good one: after a
    /// drop it retries that one first, then the others in list order. The queue belongs to the device, not to a gateway:
    /// packs queued while one gateway is down go out through the next one unchanged (same boot id and seq), so a pack that
    /// reached both is a duplicate a consumer identifies by (device, bid, seq). With TLS every gateway's certificate must
    /// be issued for its entry's host. Empty list, a malformed entry or an entry listed twice: <see cref="EdgeDevice.Create"/>
    /// throws naming the entry. Default empty (<see cref="Host"/>/<see cref="Port"/> is the only gateway).
    /// </summary>
    public IList<string> Gateways { get; } = new List<string>();

    /// <summary>
    /// MQTT over TLS 1.2 to the gateway's TLS listener (<c>Mqtt:Tls:Enabled</c>; set <see cref="Port"/> to its
    /// <c>Mqtt:Tls:Port</c>, 8883). Default false. Both builds: the net8.0 one through MQTTnet, the netstandard2.1 one
    /// (Meadow F7) through Edge's TcpChannel on the BCL SslStream. <see cref="Host"/> must be a name or address the
    /// server certificate is issued for (<c>cert create --host</c>).
    /// </summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// With <see cref="UseTls"/>: the only CA trusted for the gateway's certificate (the site's <c>ca.crt</c> from
    /// <c>Edge.Gateway cert create</c>; load it with <see cref="EdgeCertificates.LoadCertificate"/>). Default null: the
    /// system's roots (a site CA is not among them, so the connect fails).
    /// </summary>
    public X509Certificate2? TlsCaCertificate { get; set; }

    /// <summary>
    /// With <see cref="UseTls"/>: the device's client certificate with its private key (<c>Edge.Gateway cert device ID</c>
    /// writes <c>ID.crt</c> and <c>ID.key</c>; load them with <see cref="EdgeCertificates.LoadClientCertificate"/>). The
    /// gateway logs the device in by it (CN = <see cref="DeviceId"/>), no secret needed. Default null (none presented).
    /// An expired or keyless certificate fails each connect with a message saying so (<see cref="EdgeDeviceStats.LastConnectError"/>).
    /// </summary>
    public X509Certificate2? TlsClientCertificate { get; set; }

    /// <summary>Optional MQTT user name. Default null (anonymous).</summary>
    public string? UserName { get; set; }

    /// <summary>Optional MQTT password (UTF-8). Default null.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Required. Folder on the board's flash file system for the store-and-forward queue (segment files,
    /// the ack offset and the boot counter). Created when missing. One device per folder.
    /// On Meadow use a folder under <c>MeadowOS.FileSystem.DataDirectory</c>.
    /// </summary>
    public string QueueDirectory { get; set; } = string.Empty;

    /// <summary>Cap on queued-but-unacknowledged pack bytes. Default 4 MiB. Disk use stays below this plus one segment.</summary>
    public long QueueCapacityBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Size at which the queue starts a new segment file (fully acknowledged segments are deleted). Default 256 KiB.</summary>
    public int QueueSegmentBytes { get; set; } = 256 * 1024;

    /// <summary>What happens when the queue is full. Default <see cref="QueueFullPolicy.DropOldest"/>.</summary>
    public QueueFullPolicy WhenQueueFull { get; set; } = QueueFullPolicy.DropOldest;

    /// <summary>Most readings per SenML pack (one MQTT message). Default 50.</summary>
    public int MaxBatchReadings { get; set; } = 50;

    /// <summary>Longest time a reading waits in RAM for its batch before the pack is queued. Default 1 s.</summary>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest pack in bytes; a batch that does not fit is split. Default 4096.</summary>
    public int MaxPackBytes { get; set; } = 4096;

    /// <summary>MQTT keep-alive period [MQTT-3.1.2-20]. Default 30 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// MQTT 5 session expiry interval [MQTT-3.1.2-11]: the broker keeps the session (subscriptions and queued
    /// QoS 1 commands) this long after a disconnect. Default 1 h. net8.0 build only: the netstandard2.1 build (Meadow
    /// F7) speaks MQTT 3.1.1, whose persistent session has no expiry interval (the broker's own setting applies).
    /// </summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Time allowed for the TCP connect plus CONNACK, and for each PUBACK. Default 10 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many times in a row the broker may refuse a pack for a reason a resend cannot change (not authorized, topic
    /// name invalid, payload format invalid) before the pack is removed from the queue and counted in
    /// <see cref="EdgeDeviceStats.RejectedReadings"/>, so it does not block every later pack. 0 keeps retrying forever.
    /// Other refusals (0x97 quota exceeded: a full gateway) are always retried. Default 5.
    /// </summary>
    public int MaxPermanentRefusals { get; set; } = 5;

    /// <summary>
    /// Backoff base: the first reconnect waits up to this long (full jitter); a refused pack is first retried after it
    /// (doubling per refusal in a row). Default 1 s.
    /// </summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Backoff ceiling: no reconnect and no retry of a refused pack waits longer than this. Default 60 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many executed command ids are remembered, with their acks, so that a command resent with the same id is acked
    /// again without running its handler again. Kept in <c>commands.executed</c> in <see cref="QueueDirectory"/>, written
    /// before each ack: remembered across reconnects and reboots, until that many newer commands have run. Default 256;
    /// 1-65536.
    /// </summary>
    public int RememberedCommandIds { get; set; } = 256;

    /// <summary>
    /// Boot id written into every pack ("bid"). Default null: a counter persisted in <see cref="QueueDirectory"/>,
    /// incremented at every <see cref="EdgeDevice.Create"/> (so (device, bid, seq) never repeats).
    /// </summary>
    public uint? BootId { get; set; }

    /// <summary>
    /// Clock for timestamps, batching, polling and (net8.0 build) reconnect backoff. Default <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// SNTP server (name or IPv4 address) asked for the time while <see cref="TimeProvider"/> says a year before 2020 (a
    /// Meadow F7 whose clock was never set): normally the site gateway (<c>Sntp:Enabled=true</c>). Readings are then
    /// stamped with the server's time; until it answers (asked in the background, at most every 60 s) they carry no time
    /// and the gateway's receive time applies. Default null: readings use <see cref="TimeProvider"/> as it is, and a
    /// clock before 2020 gives packs without time.
    /// </summary>
    public string? TimeServer { get; set; }

    /// <summary>
    /// Sets the board's clock, e.g. <c>SetClock = Device.PlatformOS.SetClock</c> in a Meadow app
    /// (<c>IPlatformOS.SetClock(DateTime)</c>). Called with the <see cref="TimeServer"/>'s time (UTC) once it answers,
    /// when <see cref="TimeProvider"/> is more than 1 s off it (a board at 1970): the board's TLS then checks certificate
    /// dates against the right clock, and later readings use the clock as it is. Called on a thread-pool thread; an
    /// exception from it counts as a refusal (the SNTP offset keeps correcting readings; the clock stays as it is). Default null: the
    /// clock is not set (readings are still corrected by the SNTP offset; a board's TLS still sees 1970).
    /// </summary>
    public Action<DateTime>? SetClock { get; set; }

    /// <summary>UDP port of <see cref="TimeServer"/>. Default 123.</summary>
    public int TimeServerPort { get; set; } = 123;

    /// <summary>Logger factory. Default null (no logging).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The gateways in the order to try: <see cref="Gateways"/>, or <see cref="Host"/>/<see cref="Port"/>. Call after validation.</summary>
    internal (string Host, int Port)[] Endpoints()
    {
        if (Gateways.Count == 0)
        {
            return [(Host, Port)];
        }

        var endpoints = new (string Host, int Port)[Gateways.Count];
        for (var i = 0; i < endpoints.Length; i++)
        {
            var port = NanoFramework.GatewayAddress.Split(Gateways[i].Trim(), -1, out var host);
            endpoints[i] = (host, port);
        }

        return endpoints;
    }
}
