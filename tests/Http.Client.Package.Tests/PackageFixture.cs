using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace Http.Client.Package.Tests
{
    /// <summary>
    /// Packs runtime/Http.Client.csproj once into a temporary folder feed and prepares a workspace where consumer
    /// projects restore from it: a nuget.config (the feed for Http.Client, nuget.org for anything else) and empty
    /// Directory.Build.* / Directory.Packages.props files, so nothing above the temp folder leaks into the consumers.
    /// </summary>
    public sealed class PackageFixture : IDisposable
    {
        public const string PackageId = "Http.Client";

        public const string PackageVersion = "0.1.0";

        /// <summary>Limit for one pack or build: minutes of margin over the 10-60 s these take on a loaded 2-core machine.</summary>
        public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

        public PackageFixture()
        {
            Root = Path.Combine(Path.GetTempPath(), "http-client-package-tests-" + Guid.NewGuid().ToString("N"));
            Feed = Path.Combine(Root, "feed");
            Directory.CreateDirectory(Feed);
            RepoRoot = FindRepoRoot();

            // Packing uses the machine's package cache (the runtime's own build dependencies are already there).
            CliResult pack = DotNetCli.Run(
                new[] { "pack", Path.Combine(RepoRoot, "runtime", "Http.Client.csproj"), "-o", Feed }.Concat(DotNetCli.IsolatedBuildArguments),
                RepoRoot,
                BuildTimeout);
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet pack failed ({pack.ExitCode}):\n{pack.Output}");
            }

            PackagePath = Path.Combine(Feed, $"{PackageId}.{PackageVersion}.nupkg");
            if (!File.Exists(PackagePath))
            {
                throw new InvalidOperationException($"dotnet pack did not write {PackagePath}:\n{pack.Output}");
            }

            WriteWorkspaceFiles();
        }

        /// <summary>The temporary folder holding the feed, the package cache and the consumer projects.</summary>
        public string Root { get; }

        public string Feed { get; }

        public string RepoRoot { get; }

        public string PackagePath { get; }

        /// <summary>
        /// Consumers get their own package cache: the machine cache may hold an older Http.Client 0.1.0 (NuGet never
        /// re-extracts a version it has), and a consumer needs no other package, so nothing is downloaded twice.
        /// </summary>
        public IDictionary<string, string> ConsumerEnvironment => new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
        };

        /// <summary>Creates a consumer project folder with the given files (relative paths) and returns its path.</summary>
        public string CreateConsumer(string name, IReadOnlyDictionary<string, string> files)
        {
            string directory = Path.Combine(Root, name);
            foreach (KeyValuePair<string, string> file in files)
            {
                string path = Path.Combine(directory, file.Key);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Value);
            }

            return directory;
        }

        /// <summary>Restores and builds a consumer (Debug).</summary>
        public CliResult Build(string consumerDirectory)
            => DotNetCli.Run(new[] { "build" }.Concat(DotNetCli.IsolatedBuildArguments), consumerDirectory, BuildTimeout, ConsumerEnvironment);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder is harmless and must not fail the run.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private void WriteWorkspaceFiles()
        {
            File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{Feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                  <packageSourceMapping>
                    <packageSource key="local"><package pattern="{PackageId}" /></packageSource>
                    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
                  </packageSourceMapping>
                </configuration>
                """);
            foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                File.WriteAllText(Path.Combine(Root, name), "<Project />\n");
            }
        }

        private static string FindRepoRoot()
        {
            for (DirectoryInfo? directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Gen.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("Gen.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>One pack for every test class that consumes the package (packing takes a minute or two).</summary>
    [CollectionDefinition(Name)]
    public sealed class PackageCollection : ICollectionFixture<PackageFixture>
    {
        public const string Name = "Http.Client package";
    }
}
