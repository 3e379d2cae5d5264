using System.CommandLine;
using Edge.Gateway.Hosting;
using Edge.Gateway.Security;

namespace Edge.Gateway.Cli;

/// <summary>
/// <c>Edge.Gateway cert create [--host NAME]... [--days N] [--out DIR]</c>: a site CA and the gateway's TLS server
/// certificate; <c>Edge.Gateway cert device ID</c>: a device client certificate signed by that CA. Default
/// directory: <c>{Storage:Path}/tls</c>, where the TLS listener looks by default.
/// </summary>
internal static class CertCommands
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var hosts = new Option<string[]>("--host") { Description = "Host name or IP address devices use to reach the gateway (repeatable)" };
        var days = new Option<int>("--days") { Description = "Validity in days", DefaultValueFactory = _ => 825 };
        var outDir = new Option<string?>("--out") { Description = "Directory for the PEM files (default {Storage:Path}/tls)" };
        var create = new Command("create", "Create the site CA (once) and the gateway's server certificate") { hosts, days, outDir };
        var deviceId = new Argument<string>("id") { Description = "Device id: the certificate's CN" };
        var device = new Command("device", "Issue a client certificate for a device, signed by the site CA") { deviceId, days, outDir };
        var root = new RootCommand("Edge gateway certificates") { new Command("cert", "Site CA and TLS certificates") { create, device } };
        root.TreatUnmatchedTokensAsErrors = false;

        var exit = ExitCodes.Ok;
        create.SetAction(parse => exit = Run(parse, errors, settings =>
        {
            var directory = parse.GetValue(outDir) ?? Path.Combine(settings.Storage.Path, "tls");
            var names = parse.GetValue(hosts) ?? [];
            SiteCertificates.CreateServer(directory, names, parse.GetValue(days));
            if (parse.GetValue(outDir) is null)
            {
                // The service reads these; the CA key stays with root (the gateway never needs to sign).
                FileOwnership.MatchOwner(settings.Storage.Path, directory, Path.Combine(directory, SiteCertificates.CaCertificate), Path.Combine(directory, SiteCertificates.ServerCertificate), Path.Combine(directory, SiteCertificates.ServerKey));
            }

            output.WriteLine($"site CA and server certificate for {string.Join(", ", names.DefaultIfEmpty("localhost"))} written to {Path.GetFullPath(directory)}:");
            output.WriteLine($"  {SiteCertificates.CaCertificate} (install on devices to trust the gateway), {SiteCertificates.ServerCertificate}, {SiteCertificates.ServerKey} (0600), {SiteCertificates.CaKey} (0600, keep offline if you can)");
            output.WriteLine("Enable the listener with --Mqtt:Tls:Enabled=true (port 8883).");
            return ExitCodes.Ok;
        }));
        device.SetAction(parse => exit = Run(parse, errors, settings =>
        {
            var id = parse.GetValue(deviceId)!;
            if (!Edge.Protocol.Topics.EdgeTopics.IsValidDeviceId(id))
            {
                errors.WriteLine($"edge-gateway: '{id}' is not a valid device id");
                return ExitCodes.Config;
            }

            var directory = parse.GetValue(outDir) ?? Path.Combine(settings.Storage.Path, "tls");
            var (certificate, key) = SiteCertificates.CreateDevice(directory, id, directory, parse.GetValue(days));

            // Provisioned from now on: the id is never handed to an anonymous client (Mqtt:AllowAnonymous=true).
            new DeviceCredentialStore(settings.Storage.Path).RecordCertificate(id);
            output.WriteLine($"client certificate for {id}: {certificate} and {key} (0600)");
            return ExitCodes.Ok;
        }));

        var result = await root.Parse(args).InvokeAsync();
        return result != 0 ? result : exit;
    }

    private static int Run(ParseResult parse, TextWriter errors, Func<GatewaySettings, int> action)
    {
        GatewaySettings settings;
        try
        {
            settings = GatewaySettings.Load(DeviceCommands.Configuration([.. parse.UnmatchedTokens]));
        }
        catch (ConfigurationException e)
        {
            errors.WriteLine($"edge-gateway: invalid configuration: {e.Message}");
            return ExitCodes.Config;
        }

        try
        {
            return action(settings);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Security.Cryptography.CryptographicException)
        {
            errors.WriteLine("edge-gateway: " + e.Message);
            return 1;
        }
    }
}
