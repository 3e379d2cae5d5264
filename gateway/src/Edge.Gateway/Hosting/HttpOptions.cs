namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Http</c>: the status page, <c>/api/status</c>, <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>.</summary>
internal sealed class HttpOptions
{
    /// <summary><c>Http:Port</c>: HTTP listener for the status page and probes. Default 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>
    /// <c>Http:BindAddress</c>: the address the HTTP listener binds. Default 127.0.0.1 (this host only): the status
    /// page, <c>/api/status</c> and <c>/metrics</c> show device ids, last-seen times and Kafka addresses. Set 0.0.0.0
    /// (all IPv4) or a LAN address to open it, ideally together with <see cref="Token"/>.
    /// </summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// <c>Http:Token</c>: when set, <c>/api/status</c> and <c>/metrics</c> answer only requests with
    /// <c>Authorization: Bearer TOKEN</c> (Prometheus <c>bearer_token</c>) and 401 otherwise; the status page asks
    /// for it once (or takes it from <c>/#token=TOKEN</c>). <c>/healthz</c>, <c>/readyz</c> and the page's HTML stay
    /// open. Default empty (no token). Put it in the environment (<c>Http__Token</c>), not in a world-readable file.
    /// </summary>
    public string Token { get; set; } = "";
}
