using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Xunit;

namespace Http.Client.Package.Tests
{
    /// <summary>
    /// The NuGet package as a user meets it: packed from runtime/, restored from a folder feed into fresh consumer
    /// projects, which build with `dotnet build`. Their spec files become types in their own namespace beside the
    /// library's; a bad spec line and a bad header literal fail their builds at the right place. (Three consumer builds.)
    /// </summary>
    [Collection(PackageCollection.Name)]
    public sealed class PackageConsumptionTests
    {
        /// <summary>Limit for running the built consumer (it prints a few lines; it opens no connection).</summary>
        private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

        private const string ConsumerProject = """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RootNamespace>Acme.Api</RootNamespace>
                <AssemblyName>AcmeApp</AssemblyName>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- The working consumer shows one analyzer warning in its build output, as a user would see it. -->
                <WarningsNotAsErrors>HTTP1008</WarningsNotAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Http.Client" Version="0.1.0" />
              </ItemGroup>
            EXTRA
            </Project>
            """;

        private const string StatusSpec = """
            # Acme's gateway status: no namespace line, so it lands in the project's RootNamespace (Acme.Api).
            599 NETWORK_CONNECT_TIMEOUT | Network Connect Timeout Error | The proxy timed out connecting
            """;

        private const string ExceptionsSpec = """
            QuotaExceededException : Http.Client.HttpException | int Limit | "quota of {Limit} requests exceeded" | Acme's quota error.
            """;

        private const string HeadersSpec = """
            X-Acme-Trace | Acme tracing
            """;

        private const string WorkingProgram = """
            using System;
            using Http.Client;

            namespace Acme.Api
            {
                public static class Program
                {
                    public static int Main()
                    {
                        Console.WriteLine($"acme {StatusCodes.NetworkConnectTimeout} {HttpStatus.NetworkConnectTimeout.Phrase()} / {ReasonPhrases.Get(599)}");
                        Console.WriteLine($"library {Http.StatusCodes.NotFound} {Http.HttpStatus.NotFound.Phrase()} / {Http.ReasonPhrases.Get(599) ?? "none"}");
                        Console.WriteLine($"one table {StatusCodes.NotFound} {ReasonPhrases.Get(404)} {ReasonPhrases.All.Count} {HttpStatus.NetworkConnectTimeout.ToLibraryStatus().IsServerError()}");
                        Console.WriteLine($"headers {Http.HeaderNames.ContentType} {HeaderNames.XAcmeTrace}");
                        try
                        {
                            throw new QuotaExceededException(5);
                        }
                        catch (HttpException e)
                        {
                            Console.WriteLine($"caught {e.GetType().FullName}: {e.Message}; IOException={e is System.IO.IOException}");
                        }

                        int lastStatus;
                        lastStatus = 499;
                        Console.WriteLine($"unknown {lastStatus} {ReasonPhrases.Get(lastStatus) ?? "none"}");
                        Console.WriteLine($"assemblies {typeof(HttpStatus).Assembly.GetName().Name} {typeof(Http.HttpStatus).Assembly.GetName().Name}");
                        bool noCopies = typeof(Program).Assembly.GetType("Http.HeaderNames") is null
                            && typeof(Program).Assembly.GetType("Http.Client.HttpException") is null;
                        Console.WriteLine($"library tables not regenerated {noCopies}");
                        using var connection = new HttpConnection("example.invalid:8080");
                        Console.WriteLine($"connection {connection.Host} {connection.Port}");
                        return 0;
                    }
                }
            }
            """;

        private readonly PackageFixture _fixture;

        public PackageConsumptionTests(PackageFixture fixture) => _fixture = fixture;

        [Fact]
        public void PackageHoldsLibraryDocsGeneratorTargetsAndMetadata()
        {
            using ZipArchive package = ZipFile.OpenRead(_fixture.PackagePath);
            string[] entries = package.Entries.Select(e => e.FullName).ToArray();
            foreach (string expected in new[]
            {
                "lib/net10.0/Http.Client.dll",
                "lib/net10.0/Http.Client.xml",
                "analyzers/dotnet/cs/Http.Client.Generator.dll",
                "analyzers/dotnet/cs/Http.Client.Generator.CodeFixes.dll",
                "build/Http.Client.targets",
                "buildTransitive/Http.Client.targets",
                "README.md",
            })
            {
                Assert.Contains(expected, entries);
            }

            // The library's own spec files ship under spec/ (for consumers' specs to extend, never compiled again), and
            // nowhere else.
            Assert.Equal(
                new[] { "spec/exceptions.spec", "spec/headers.spec", "spec/status.spec" },
                entries.Where(e => e.EndsWith(".spec", StringComparison.OrdinalIgnoreCase)).OrderBy(e => e, StringComparer.Ordinal));
            Assert.Equal(File.ReadAllText(Path.Combine(_fixture.RepoRoot, "spec", "status.spec")), ReadEntry(package, "spec/status.spec"));
            Assert.Equal(2, entries.Count(e => e.StartsWith("analyzers/", StringComparison.Ordinal)));

            // The symbols package beside it carries the library's PDB.
            string symbols = Path.ChangeExtension(_fixture.PackagePath, ".snupkg");
            using (ZipArchive symbolPackage = ZipFile.OpenRead(symbols))
            {
                Assert.Contains(symbolPackage.Entries, e => e.FullName == "lib/net10.0/Http.Client.pdb");
            }

            XElement metadata = ReadNuspec(package);
            XNamespace ns = metadata.Name.Namespace;
            Assert.Equal(PackageFixture.PackageId, metadata.Element(ns + "id")?.Value);
            Assert.Equal(PackageFixture.PackageVersion, metadata.Element(ns + "version")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
            XElement license = Assert.IsType<XElement>(metadata.Element(ns + "license"));
            Assert.Equal("expression", license.Attribute("type")?.Value);
            Assert.Equal("MIT", license.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.Equal("git", metadata.Element(ns + "repository")?.Attribute("type")?.Value);

            // The generator is private to the build: no package dependency on it (or on Roslyn).
            Assert.Empty(metadata.Descendants(ns + "dependency"));

            string targets = ReadEntry(package, "build/Http.Client.targets");
            Assert.Contains("<CompilerVisibleProperty Include=\"RootNamespace\" />", targets, StringComparison.Ordinal);
            Assert.Equal(targets, ReadEntry(package, "buildTransitive/Http.Client.targets"));

            // The generator and code fixes are built against Roslyn 4.11, the lowest compiler of the supported SDKs
            // (.NET 8.0.4xx), so they load in that SDK and every later one.
            foreach (string assembly in new[] { "analyzers/dotnet/cs/Http.Client.Generator.dll", "analyzers/dotnet/cs/Http.Client.Generator.CodeFixes.dll" })
            {
                using PEReader reader = OpenAssembly(package, assembly);
                System.Reflection.Metadata.MetadataReader references = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(reader);
                var roslyn = references.AssemblyReferences
                    .Select(handle => references.GetAssemblyReference(handle))
                    .Where(reference => references.GetString(reference.Name).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
                    .Select(reference => reference.Version)
                    .Distinct()
                    .ToList();
                Assert.Equal(new[] { new Version(4, 11, 0, 0) }, roslyn);
            }

            // Deterministic builds stamp a "reproducible" debug directory entry into each assembly.
            foreach (string assembly in new[] { "lib/net10.0/Http.Client.dll", "analyzers/dotnet/cs/Http.Client.Generator.dll" })
            {
                using PEReader reader = OpenAssembly(package, assembly);
                Assert.Contains(reader.ReadDebugDirectory(), d => d.Type == DebugDirectoryEntryType.Reproducible);
            }
        }

        [Fact]
        public void ConsumerSpecFilesGenerateIntoItsNamespaceAndRunBesideTheLibrary()
        {
            // acme.status.spec is listed explicitly as well as matched by the default glob: it must reach the
            // generator once. The headers spec sits in another folder: the glob covers the whole project.
            string consumer = _fixture.CreateConsumer("working", new Dictionary<string, string>
            {
                ["AcmeApp.csproj"] = ConsumerProject.Replace("EXTRA", "  <ItemGroup>\n    <AdditionalFiles Include=\"spec/acme.status.spec\" />\n  </ItemGroup>", StringComparison.Ordinal),
                ["spec/acme.status.spec"] = StatusSpec,
                ["spec/acme.exceptions.spec"] = ExceptionsSpec,
                ["Tables/acme.headers.spec"] = HeadersSpec,
                ["Program.cs"] = WorkingProgram,
            });

            CliResult build = _fixture.Build(consumer);
            Assert.True(build.ExitCode == 0, "The consumer does not build:\n" + build.Output);
            (int line, int column) = PositionOf(WorkingProgram, "499;");
            string programPath = Path.Combine(consumer, "Program.cs");
            Assert.Contains($"{programPath}({line},{column}): warning HTTP1008: No status spec in this compilation defines 499", build.Output, StringComparison.Ordinal);
            Assert.Single(
                build.Output.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).Distinct());

            string dll = Path.Combine(consumer, "bin", "Debug", "net10.0", "AcmeApp.dll");
            CliResult run = DotNetCli.Run(new[] { dll }, consumer, RunTimeout, _fixture.ConsumerEnvironment);
            Assert.True(run.ExitCode == 0, "The consumer failed:\n" + run.Output);
            Assert.Equal(
                new[]
                {
                    "acme 599 Network Connect Timeout Error / Network Connect Timeout Error",
                    "library 404 Not Found / none",
                    "one table 404 Not Found 63 True",
                    "headers Content-Type X-Acme-Trace",
                    "caught Acme.Api.QuotaExceededException: quota of 5 requests exceeded; IOException=True",
                    "unknown 499 none",
                    "assemblies AcmeApp Http.Client",
                    "library tables not regenerated True",
                    "connection example.invalid 8080",
                },
                Lines(run.Output));
        }

        [Fact]
        public void BadSpecLineFailsTheBuildAtItsFileLineAndColumn()
        {
            const string badHeaders = "# Acme's headers\nX-Acme-Ok | fine\nX-Acme(Bad | a parenthesis is not a token character\n";
            string consumer = _fixture.CreateConsumer("bad-spec", new Dictionary<string, string>
            {
                ["AcmeApp.csproj"] = ConsumerProject.Replace("EXTRA", string.Empty, StringComparison.Ordinal),
                ["spec/acme.headers.spec"] = badHeaders,
                ["Program.cs"] = "public static class Program { public static void Main() { } }\n",
            });

            CliResult build = _fixture.Build(consumer);
            Assert.NotEqual(0, build.ExitCode);
            string specPath = Path.Combine(consumer, "spec", "acme.headers.spec");
            Assert.Contains($"{specPath}(3,7): error HTTPGEN008:", build.Output, StringComparison.Ordinal);
        }

        [Fact]
        public void BadHeaderLiteralFailsTheBuildWithTheAnalyzerError()
        {
            const string program = """
                using Http.Client;

                public static class Program
                {
                    public static void Main()
                    {
                        using var connection = new HttpConnection("example.invalid");
                        connection.PutRequest("GET", "/");
                        connection.PutHeader("X-Trace\r\nInjected", "1");
                        connection.PutHeader("X-Ok", "a\nb");
                        connection.PutHeader("X-Fine", "folded\r\n continuation");
                    }
                }
                """;
            string consumer = _fixture.CreateConsumer("bad-header", new Dictionary<string, string>
            {
                ["AcmeApp.csproj"] = ConsumerProject.Replace("EXTRA", string.Empty, StringComparison.Ordinal),
                ["Program.cs"] = program,
            });

            CliResult build = _fixture.Build(consumer);
            Assert.NotEqual(0, build.ExitCode);
            string programPath = Path.Combine(consumer, "Program.cs");
            (int nameLine, int nameColumn) = PositionOf(program, "\"X-Trace\\r\\nInjected\"");
            (int valueLine, int valueColumn) = PositionOf(program, "\"a\\nb\"");
            Assert.Contains($"{programPath}({nameLine},{nameColumn}): error HTTP1001:", build.Output, StringComparison.Ordinal);
            Assert.Contains($"{programPath}({valueLine},{valueColumn}): error HTTP1002:", build.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("folded", build.Output, StringComparison.Ordinal);
        }

        /// <summary>One-based line and column of <paramref name="text"/> in <paramref name="source"/>, as the compiler prints them.</summary>
        private static (int Line, int Column) PositionOf(string source, string text)
        {
            int index = source.IndexOf(text, StringComparison.Ordinal);
            Assert.True(index >= 0, "not in the source: " + text);
            int lineStart = source.LastIndexOf('\n', index) + 1;
            int line = source.Take(index).Count(c => c == '\n') + 1;
            return (line, index - lineStart + 1);
        }

        private static string[] Lines(string output)
            => output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

        private static XElement ReadNuspec(ZipArchive package)
        {
            ZipArchiveEntry nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
            using Stream stream = nuspec.Open();
            XElement root = XDocument.Load(stream).Root!;
            return root.Element(root.Name.Namespace + "metadata")!;
        }

        /// <summary>A PE reader over a copy of an assembly in the package (the reader owns the copy).</summary>
        private static PEReader OpenAssembly(ZipArchive package, string name)
        {
            var copy = new MemoryStream();
            using (Stream entry = package.GetEntry(name)!.Open())
            {
                entry.CopyTo(copy);
            }

            copy.Position = 0;
            return new PEReader(copy);
        }

        private static string ReadEntry(ZipArchive package, string name)
        {
            using var reader = new StreamReader(package.GetEntry(name)!.Open());
            return reader.ReadToEnd();
        }
    }
}
