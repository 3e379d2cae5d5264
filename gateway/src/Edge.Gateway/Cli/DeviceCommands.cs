using System.CommandLine;
using System.Globalization;
using Edge.Gateway.Hosting;
using Edge.Gateway.Security;
using Microsoft.Extensions.Configuration;

namespace Edge.Gateway.Cli;

/// <summary>
/// <c>Edge.Gateway device add|list|revoke</c>: provisioning for installers. Reads the same configuration as the
/// service (appsettings.json, EDGE_CONFIG, environment, <c>--Section:Key=value</c>), so <c>--Storage:Path</c> picks
/// the same credentials file the running gateway uses.
/// </summary>
internal static class DeviceCommands
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var id = new Argument<string>("id") { Description = "Device id (1-64 of A-Z a-z 0-9 . _ -); also its MQTT client id and user name" };
        var rotate = new Option<bool>("--rotate") { Description = "Issue a new secret for an existing device" };
        var add = new Command("add", "Provision a device and print its secret once") { id, rotate };
        var list = new Command("list", "List provisioned devices");
        var revokeId = new Argument<string>("id") { Description = "Device id" };
        var revoke = new Command("revoke", "Revoke a device: it can no longer connect") { revokeId };
        var root = new RootCommand("Edge gateway device provisioning") { new Command("device", "Manage device credentials") { add, list, revoke } };
        root.TreatUnmatchedTokensAsErrors = false;

        var exit = ExitCodes.Ok;
        add.SetAction(parse => exit = Run(parse, errors, store =>
        {
            var deviceId = parse.GetValue(id)!;
            if (!Edge.Protocol.Topics.EdgeTopics.IsValidDeviceId(deviceId))
            {
                errors.WriteLine($"edge-gateway: '{deviceId}' is not a valid device id (1-64 of A-Z a-z 0-9 . _ -)");
                return ExitCodes.Config;
            }

            var secret = store.Add(deviceId, parse.GetValue(rotate));
            output.WriteLine($"device {deviceId} provisioned. Its secret is shown only now:");
            output.WriteLine();
            output.WriteLine($"  {secret}");
            output.WriteLine();
            output.WriteLine($"Configure the board with MQTT client id and user name '{deviceId}' and this secret as password.");
            return ExitCodes.Ok;
        }));
        list.SetAction(parse => exit = Run(parse, errors, store =>
        {
            output.WriteLine("device                                                            created                    revoked");
            foreach (var device in store.List())
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{device.Id,-64}  {device.Created:yyyy-MM-dd HH:mm:ss}Z  {(device.Revoked is { } r ? r.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "-")}"));
            }

            return ExitCodes.Ok;
        }));
        revoke.SetAction(parse => exit = Run(parse, errors, store =>
        {
            var deviceId = parse.GetValue(revokeId)!;
            if (!Edge.Protocol.Topics.EdgeTopics.IsValidDeviceId(deviceId))
            {
                errors.WriteLine($"edge-gateway: '{deviceId}' is not a valid device id (1-64 of A-Z a-z 0-9 . _ -)");
                return ExitCodes.Config;
            }

            if (!store.Revoke(deviceId))
            {
                output.WriteLine($"note: '{deviceId}' had no secret provisioned; recorded as revoked so a client certificate for it is refused too.");
            }

            output.WriteLine($"device {deviceId} revoked: its connections are refused (0x87 not authorized) and a running gateway disconnects it within a few seconds.");
            return ExitCodes.Ok;
        }));

        var result = await root.Parse(args).InvokeAsync();
        return result != 0 ? result : exit;
    }

    private static int Run(ParseResult parse, TextWriter errors, Func<DeviceCredentialStore, int> action)
    {
        GatewaySettings settings;
        try
        {
            settings = GatewaySettings.Load(Configuration([.. parse.UnmatchedTokens]));
        }
        catch (ConfigurationException e)
        {
            errors.WriteLine($"edge-gateway: invalid configuration: {e.Message}");
            return ExitCodes.Config;
        }

        try
        {
            return action(new DeviceCredentialStore(settings.Storage.Path));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            errors.WriteLine("edge-gateway: " + e.Message);
            return 1;
        }
    }

    internal static IConfiguration Configuration(string[] args)
    {
        var builder = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (Environment.GetEnvironmentVariable("EDGE_CONFIG") is { Length: > 0 } file)
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        return builder.AddEnvironmentVariables().AddCommandLine(args).Build();
    }
}
