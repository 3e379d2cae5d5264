using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Edge.Protocol.Tests;

/// <summary>
/// The nanoFramework facades are only worth having if code written against .NET's API shape fails against them.
/// Compiles a small NoStdLib project (real mscorlib + the System.Net and System.IO.Streams facade sources) holding
/// three calls that are fine on .NET and wrong on nanoFramework, and expects exactly those three errors.
/// </summary>
public sealed partial class FacadeApiTests
{
    private const string WrongApis = """
        using System.Net.Sockets;

        namespace Probe;

        public static class WrongApis
        {
            public static object TwoArgumentSslStream(System.IO.Stream stream) => new System.Net.Security.SslStream(stream, false);

            public static object DesktopSslProtocols() => System.Security.Authentication.SslProtocols.Tls12;

            public static object SocketErrorCode(SocketException e) => e.SocketErrorCode;

            public static object Fine(Socket socket) => new System.Net.Security.SslStream(socket);
        }
        """;

    [Fact]
    public async Task Build_DotNetOnlyNetworkingApis_FailAgainstTheFacades()
    {
        var facades = RepoFiles.Combine("sdk", "nanoFramework", "facades");
        var directory = Directory.CreateTempSubdirectory("edge-facade-probe-");
        try
        {
            // Outside the repository: none of its Directory.Build.* or central package versions apply.
            File.WriteAllText(Path.Combine(directory.FullName, "Probe.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>netstandard2.0</TargetFramework>
                    <LangVersion>latest</LangVersion>
                    <NoStdLib>true</NoStdLib>
                    <DisableImplicitFrameworkReferences>true</DisableImplicitFrameworkReferences>
                    <GenerateAssemblyInfo>false</GenerateAssemblyInfo>
                    <GenerateTargetFrameworkAttribute>false</GenerateTargetFrameworkAttribute>
                    <NoWarn>NU1701;CS0169</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="nanoFramework.CoreLibrary" Version="1.17.11" ExcludeAssets="all" GeneratePathProperty="true" />
                    <Reference Include="$(PkgnanoFramework_CoreLibrary)/lib/mscorlib.dll" />
                    <Compile Include="{facades}/System.Net/**/*.cs;{facades}/System.IO.Streams/**/*.cs" Exclude="{facades}/**/obj/**;{facades}/**/bin/**" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(directory.FullName, "WrongApis.cs"), WrongApis);
            File.WriteAllText(Path.Combine(directory.FullName, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(directory.FullName, "Directory.Build.targets"), "<Project />");

            var (exitCode, output) = await BuildAsync(directory.FullName);

            var errors = ErrorPattern().Matches(output).Select(m => $"{m.Groups["line"].Value}:{m.Groups["code"].Value}")
                .Distinct().Order(StringComparer.Ordinal).ToArray();
            Assert.True(exitCode != 0, output);
            // The facades and mscorlib themselves compile: every error is in the probe.
            Assert.DoesNotMatch(OtherErrorPattern(), output);
            // Lines of WrongApis.cs: 7 SslStream(Stream, bool); 9 System.Security.Authentication; 11 SocketErrorCode.
            Assert.Equal(["11:CS1061", "7:CS1729", "9:CS0234"], errors);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> BuildAsync(string directory)
    {
        var info = new ProcessStartInfo("dotnet", ["build", directory, "-nologo", "-v", "q", "-nodeReuse:false", "-p:UseSharedCompilation=false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"WrongApis\.cs\((?<line>\d+),\d+\): error (?<code>CS\d+)")]
    private static partial Regex ErrorPattern();

    [GeneratedRegex(@"(?<!WrongApis\.cs\(\d+,\d+\)): error ")]
    private static partial Regex OtherErrorPattern();
}
