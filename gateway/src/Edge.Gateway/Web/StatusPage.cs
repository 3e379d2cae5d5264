namespace Edge.Gateway.Web;

/// <summary>The status page (Web/StatusPage.html, embedded): no external scripts, works on an offline site LAN.</summary>
internal static class StatusPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(StatusPage).Assembly.GetManifestResourceStream("Edge.Gateway.Web.StatusPage.html")
            ?? throw new InvalidOperationException("StatusPage.html is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
