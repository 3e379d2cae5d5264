using System.Text.Json;

namespace Edge.Gateway.Tests.Ingest;

/// <summary>Reads the running gateway from outside: <c>/api/status</c> and the process's resident memory.</summary>
internal static class GatewayStatus
{
    /// <summary>GET /api/status (waiting up to 20 s for the HTTP listener, which starts after the MQTT one).</summary>
    public static async Task<JsonElement> ReadAsync(GatewayProcess gateway)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gateway.HttpPort}") };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var document = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
                return document.RootElement.Clone();
            }
            catch (HttpRequestException) when (attempt < 100)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Messages the gateway appended to its log (what reaches Kafka).</summary>
    public static async Task<long> AcceptedAsync(GatewayProcess gateway) => (await ReadAsync(gateway)).GetProperty("accepted").GetInt64();

    /// <summary>VmRSS of the gateway process in bytes (found by its data directory on the command line).</summary>
    public static long ResidentBytes(GatewayProcess gateway)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (!commandLine.Contains("Edge.Gateway.dll", StringComparison.Ordinal) || !commandLine.Contains($"--Storage:Path={gateway.DataDirectory}\0", StringComparison.Ordinal))
                {
                    continue;
                }

                var line = File.ReadLines(Path.Combine(dir, "status")).First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        throw new InvalidOperationException("gateway process not found");
    }
}
