using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Edge.Gateway.Web;

/// <summary>
/// <c>Http:Token</c>: every path except the open ones (the page's static HTML, <c>/healthz</c>, <c>/readyz</c>) needs
/// <c>Authorization: Bearer TOKEN</c>, else 401 with <c>WWW-Authenticate: Bearer</c>. The comparison takes the same time
/// for every wrong token of a given length. Thread-safe (immutable).
/// </summary>
internal sealed class BearerTokenCheck
{
    private static readonly HashSet<string> OpenPaths = new(StringComparer.Ordinal) { "/", "/healthz", "/readyz" };
    private readonly byte[] _expected;

    public BearerTokenCheck(string token)
    {
        _expected = Encoding.UTF8.GetBytes("Bearer " + token);
    }

    /// <summary>True when the request may proceed: an open path, or the right bearer token.</summary>
    public bool Allows(HttpRequest request)
    {
        if (OpenPaths.Contains(request.Path.Value ?? "/"))
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), _expected);
    }

    /// <summary>Middleware body: 401 for a request <see cref="Allows"/> refuses, otherwise the next handler.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Allows(context.Request))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"edge-gateway\"";
        await context.Response.WriteAsync("Http:Token is set: send Authorization: Bearer TOKEN\n");
    }
}
