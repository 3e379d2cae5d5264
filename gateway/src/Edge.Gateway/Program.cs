using Edge.Gateway.Hosting;

namespace Edge.Gateway;

/// <summary>
/// <c>Edge.Gateway [--demo] [--Section:Key=value ...]</c>: the gateway service; <c>Edge.Gateway device add|list|revoke</c>: provisioning. Configuration comes from
/// appsettings.json, environment variables (<c>Mqtt__Port=1884</c>) and the command line (<c>--Mqtt:Port=1884</c>).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "device")
        {
            return await Cli.DeviceCommands.RunAsync(args, Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == "cert")
        {
            return await Cli.CertCommands.RunAsync(args, Console.Out, Console.Error);
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(GatewayApp.Usage);
            return ExitCodes.Ok;
        }

        using var shutdown = new CancellationTokenSource();
        return await GatewayApp.RunAsync(args, Console.Error, shutdown.Token);
    }
}
