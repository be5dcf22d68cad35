using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Http.Client.Package.Tests
{
    /// <summary>
    /// IsAotCompatible, proven: a consumer of the package published with PublishAot (ILCompiler from NuGet, clang
    /// from the system; .ci/aot.sh installs clang when it is missing) builds with no trim or AOT warning, and the native
    /// executable sends a request to a loopback server this test runs and reads the answer.
    /// </summary>
    [Collection(PackageCollection.Name)]
    public sealed class AotPublishTests
    {
        private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);
        private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(30);

        private const string Project = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RootNamespace>Acme.Aot</RootNamespace>
                <AssemblyName>acme-aot</AssemblyName>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <PublishAot>true</PublishAot>
                <InvariantGlobalization>true</InvariantGlobalization>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Http.Client" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """;

        private const string Program = """
            using System;
            using System.Collections.Generic;
            using Http.Client;

            namespace Acme.Aot
            {
                public static class Program
                {
                    public static int Main(string[] args)
                    {
                        using var connection = new HttpConnection("127.0.0.1", int.Parse(args[0]), TimeSpan.FromSeconds(10));
                        connection.Request("GET", "/aot", headers: new[] { new KeyValuePair<string, string>(Http.HeaderNames.Accept, "text/plain") });
                        using HttpResponse response = connection.GetResponse();
                        string body = System.Text.Encoding.ASCII.GetString(response.Read());
                        Console.WriteLine($"{response.Status} {response.Reason} [{body}] {response.GetHeader("content-type")} {Http.HttpStatus.OK.Phrase()} {StatusCodes.Teapot} {ReasonPhrases.Get(StatusCodes.Teapot)}");
                        try
                        {
                            // Not a constant (the analyzers would reject a constant bad port at compile time).
                            using var bad = new HttpConnection("example.invalid:" + args[0] + "x");
                        }
                        catch (HttpException e)
                        {
                            Console.WriteLine($"caught {e.GetType().Name}");
                        }

                        return 0;
                    }
                }
            }
            """;

        private const string StatusSpec = "418 TEAPOT | Short And Stout | The consumer's own row for 418\n";

        private readonly PackageFixture _fixture;

        public AotPublishTests(PackageFixture fixture) => _fixture = fixture;

        [Fact]
        public async Task ANativeAotConsumerPublishesWithoutWarningsAndTalksToALoopbackServer()
        {
            var files = new Dictionary<string, string>
            {
                ["AcmeAot.csproj"] = Project,
                ["Program.cs"] = Program,
                ["acme.status.spec"] = "override " + StatusSpec,
            };

            // The ILCompiler and runtime packs (about 100 MB) come from the machine's package cache when .ci/aot.sh has
            // put them there; the package under test never does (the cache is only a read-only fallback, used when it
            // holds no Http.Client of this version).
            string machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            if (Directory.Exists(machineCache) && !Directory.Exists(Path.Combine(machineCache, "http.client", PackageFixture.PackageVersion)))
            {
                files["nuget.config"] = $"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <configuration>
                      <fallbackPackageFolders>
                        <add key="machine" value="{machineCache}" />
                      </fallbackPackageFolders>
                    </configuration>
                    """;
            }

            string consumer = _fixture.CreateConsumer("aot", files);
            string output = Path.Combine(consumer, "out");
            CliResult publish = DotNetCli.Run(
                new[] { "publish", "-c", "Release", "-r", "linux-x64", "-o", output }.Concat(DotNetCli.IsolatedBuildArguments),
                consumer,
                PublishTimeout,
                _fixture.ConsumerEnvironment);
            Assert.True(publish.ExitCode == 0, "dotnet publish (PublishAot) failed:\n" + publish.Output);
            Assert.DoesNotContain("warning", publish.Output, StringComparison.OrdinalIgnoreCase);
            string executable = Path.Combine(output, "acme-aot");
            Assert.True(File.Exists(executable), "no native executable at " + executable + ":\n" + publish.Output);
            Assert.False(File.Exists(Path.Combine(output, "Http.Client.dll")), "a native AOT publish has no managed assemblies beside the executable");

            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var serverTimeout = new CancellationTokenSource(ServerTimeout);
            Task<string> server = ServeOneAsync(listener, serverTimeout.Token);

            CliResult run = await Task.Run(() => DotNetCli.RunProgram(executable, new[] { port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, consumer, RunTimeout));
            string request = await server;
            Assert.True(run.ExitCode == 0, "the native executable failed:\n" + run.Output);
            Assert.StartsWith("GET /aot HTTP/1.1\r\n", request, StringComparison.Ordinal);
            Assert.Contains("\r\nAccept: text/plain\r\n", request, StringComparison.Ordinal);
            Assert.Equal(
                new[] { "200 OK [hello] text/plain OK 418 Short And Stout", "caught InvalidUrlException" },
                run.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray());
        }

        /// <summary>Accepts one connection, reads the request head, answers 200 with a five-byte body; returns the head.</summary>
        private static async Task<string> ServeOneAsync(TcpListener listener, CancellationToken cancellationToken)
        {
            using TcpClient client = await listener.AcceptTcpClientAsync(cancellationToken);
            NetworkStream stream = client.GetStream();
            var head = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            byte[] response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
            await stream.WriteAsync(response, cancellationToken);
            return head.ToString();
        }
    }
}
