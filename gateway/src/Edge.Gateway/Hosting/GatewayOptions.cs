namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Gateway</c>: who this gateway is.</summary>
internal sealed class GatewayOptions
{
    /// <summary>
    /// <c>Gateway:Id</c>: this gateway's identity, stamped on every Kafka record as <c>edge.gateway</c>.
    /// With <c>edge.offset</c> it identifies a record for deduplication, so it must stay stable for the life of
    /// the gateway's data directory: the first start records it there (<c>gateway.id</c>) and a different explicit
    /// value later stops the start (exit 78). Default: the host name plus 12 hex digits derived from /etc/machine-id
    /// (unique per machine even where every host is called <c>raspberrypi</c>), or the id recorded in the data
    /// directory. 1–64 of [A-Za-z0-9._-].
    /// </summary>
    public string Id { get; set; } = GatewayIdentity.DefaultId();

    /// <summary><c>Gateway:StatusIntervalSeconds</c>: how often a one-line summary is logged; 0 turns it off. Default 10 s (2 s with --demo).</summary>
    public int StatusIntervalSeconds { get; set; } = 10;
}
