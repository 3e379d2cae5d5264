namespace Edge.Gateway.Hosting;

/// <summary>Section <c>Http</c>: the status page, <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>.</summary>
internal sealed class HttpOptions
{
    /// <summary><c>Http:Port</c>: HTTP listener for the status page and probes. Default 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary><c>Http:BindAddress</c>: address to listen on. Default 0.0.0.0 (all IPv4 interfaces).</summary>
    public string BindAddress { get; set; } = "0.0.0.0";
}
