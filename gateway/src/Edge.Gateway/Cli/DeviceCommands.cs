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
    public static async Task<int> RunAsync(string[] args, TextWriter writer, TextWriter errors)
    {
        var id = new Argument<string>("id") { Description = "Device id (1-64 of A-Z a-z 0-9 . _ -); also its MQTT client id and user name" };
        var rotate = new Option<bool>("--rotate") { Description = "Issue a new secret for an existing device" };
        var output = new Option<string?>("--output") { Description = "Also write the board's configuration (edge-device/1: id, secret, gateways, TLS CA, time server) to this file, mode 0600" };
        var gateways = new Option<string[]>("--gateway") { Description = "host:port of a gateway the device uses, in the order to try (repeatable; needed with --output)" };
        var tls = new Option<bool>("--tls") { Description = "The device connects over TLS: the configuration carries the site CA ({Storage:Path}/tls/ca.crt)" };
        var timeServer = new Option<string?>("--time-server") { Description = "SNTP server host[:port] the device asks while its clock is unknown (a gateway with Sntp:Enabled)" };
        var add = new Command("add", "Provision a device and print its secret once") { id, rotate, output, gateways, tls, timeServer };
        var list = new Command("list", "List provisioned devices");
        var revokeId = new Argument<string>("id") { Description = "Device id" };
        var revoke = new Command("revoke", "Revoke a device: it can no longer connect") { revokeId };
        var root = new RootCommand("Edge gateway device provisioning") { new Command("device", "Manage device credentials") { add, list, revoke } };
        root.TreatUnmatchedTokensAsErrors = false;

        var exit = ExitCodes.Ok;
        add.SetAction(parse => exit = Run(parse, errors, (store, storagePath) =>
        {
            var deviceId = parse.GetValue(id)!;
            if (!Edge.Protocol.Topics.EdgeTopics.IsValidDeviceId(deviceId))
            {
                errors.WriteLine($"edge-gateway: '{deviceId}' is not a valid device id (1-64 of A-Z a-z 0-9 . _ -)");
                return ExitCodes.Config;
            }

            var file = parse.GetValue(output);
            string? config = null;
            if (file is not null)
            {
                // Everything but the secret is checked before the secret is issued: a refused option changes nothing.
                config = DeviceConfigText.Check(parse.GetValue(gateways) ?? [], parse.GetValue(tls), parse.GetValue(timeServer), storagePath, out var problem);
                if (problem is not null)
                {
                    errors.WriteLine("edge-gateway: " + problem);
                    return ExitCodes.Config;
                }
            }

            var secret = store.Add(deviceId, parse.GetValue(rotate));
            writer.WriteLine($"device {deviceId} provisioned. Its secret is shown only now:");
            writer.WriteLine();
            writer.WriteLine($"  {secret}");
            writer.WriteLine();
            writer.WriteLine($"Configure the board with MQTT client id and user name '{deviceId}' and this secret as password.");
            if (file is not null)
            {
                var text = DeviceConfigText.Complete(config!, deviceId, secret);
                DeviceConfigText.Write(file, text);
                writer.WriteLine();
                writer.WriteLine($"Board configuration written to {Path.GetFullPath(file)} (0600; it holds the secret). The same as one line, for a QR code:");
                writer.WriteLine();
                writer.WriteLine("  " + DeviceConfigText.OneLine(text));
            }

            return ExitCodes.Ok;
        }));
        list.SetAction(parse => exit = Run(parse, errors, (store, _) =>
        {
            writer.WriteLine("device                                                            created                    revoked");
            foreach (var device in store.List())
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{device.Id,-64}  {device.Created:yyyy-MM-dd HH:mm:ss}Z  {(device.Revoked is { } r ? r.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "-")}"));
            }

            return ExitCodes.Ok;
        }));
        revoke.SetAction(parse => exit = Run(parse, errors, (store, _) =>
        {
            var deviceId = parse.GetValue(revokeId)!;
            if (!Edge.Protocol.Topics.EdgeTopics.IsValidDeviceId(deviceId))
            {
                errors.WriteLine($"edge-gateway: '{deviceId}' is not a valid device id (1-64 of A-Z a-z 0-9 . _ -)");
                return ExitCodes.Config;
            }

            if (!store.Revoke(deviceId))
            {
                writer.WriteLine($"note: '{deviceId}' had no secret provisioned; recorded as revoked so a client certificate for it is refused too.");
            }

            writer.WriteLine($"device {deviceId} revoked: its connections are refused (0x87 not authorized) and a running gateway disconnects it within a few seconds.");
            return ExitCodes.Ok;
        }));

        var result = await root.Parse(args).InvokeAsync();
        return result != 0 ? result : exit;
    }

    private static int Run(ParseResult parse, TextWriter errors, Func<DeviceCredentialStore, string, int> action)
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
            return action(new DeviceCredentialStore(settings.Storage.Path), settings.Storage.Path);
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
