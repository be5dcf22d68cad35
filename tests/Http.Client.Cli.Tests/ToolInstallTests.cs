using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Http.Client.Cli.Tests.TestKit;
using Xunit;

namespace Http.Client.Cli.Tests;

/// <summary>
/// httpc as a .NET tool, the way docs/httpc.md installs it: <c>dotnet pack cli</c>, then <c>dotnet tool install</c>
/// from that folder (here into a <c>--tool-path</c>, with a nuget.config that knows only that folder and a
/// private package cache, so neither nuget.org nor an older cached httpc can stand in), then the installed command.
/// </summary>
public sealed class ToolInstallTests : IDisposable
{
    /// <summary>Pack and install take 5-60 s on a loaded two-core machine.</summary>
    private static readonly TimeSpan DotNetLimit = TimeSpan.FromMinutes(5);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly string _root = Directory.CreateTempSubdirectory("httpc-tool-tests-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string RepoRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Gen.sln above {AppContext.BaseDirectory}");
    }

    private static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    [Fact]
    public async Task Packed_tool_installs_and_runs_as_httpc()
    {
        string feed = Path.Combine(_root, "feed");
        string tools = Path.Combine(_root, "tools");
        string config = Path.Combine(_root, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="httpc-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        var environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(_root, "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // The tool's launcher finds the runtime next to the dotnet that runs these tests.
            ["DOTNET_ROOT"] = Path.GetDirectoryName(Path.GetFullPath(DotNet)) ?? "",
        };

        // The test project's build already built cli/ in this configuration: pack that build, build nothing.
        ProcessResult pack = await HttpcProcess.RunAsync(
            DotNet,
            ["pack", Path.Combine(RepoRoot(), "cli", "httpc.csproj"), "-c", Configuration, "--no-build", "-o", feed, "-nodeReuse:false", "-tl:off"],
            stdin: null,
            DotNetLimit,
            environment);
        Assert.True(pack.ExitCode == 0, pack.StdoutText + pack.Stderr);
        Assert.True(File.Exists(Path.Combine(feed, $"httpc.{Httpc.Version}.nupkg")), pack.StdoutText);

        ProcessResult install = await HttpcProcess.RunAsync(
            DotNet,
            ["tool", "install", "httpc", "--tool-path", tools, "--configfile", config, "--version", Httpc.Version],
            stdin: null,
            DotNetLimit,
            environment);
        Assert.True(install.ExitCode == 0, install.StdoutText + install.Stderr);

        string httpc = Path.Combine(tools, OperatingSystem.IsWindows() ? "httpc.exe" : "httpc");
        ProcessResult version = await HttpcProcess.RunAsync(httpc, ["--version"], stdin: null, environment: environment);
        ProcessResult demo = await HttpcProcess.RunAsync(httpc, ["demo"], stdin: null, environment: environment);

        Assert.Equal(0, version.ExitCode);
        Assert.Equal($"httpc {Httpc.Version}\n", version.StdoutText);
        Assert.True(demo.ExitCode == 0, demo.Stderr);
        Assert.Contains("\n200 OK\n", demo.StdoutText);
    }
}
