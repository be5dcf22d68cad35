using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Http.Client.Generator.Tests
{
    /// <summary>
    /// A user project with spec files of its own: output lands in its own namespace (no CS0433 clash with the
    /// runtime's types), its exceptions can derive from the runtime's, and spec text reaches the C# intact.
    /// </summary>
    public sealed class ConsumerTests
    {
        private const string ConsumerStatus = "599 NETWORK_CONNECT_TIMEOUT | Network Connect Timeout Error | The proxy timed out connecting\n";
        private const string ConsumerExceptions =
            "QuotaExceededException : Http.Client.HttpException | int Limit | \"quota of {Limit} requests exceeded\" | Acme's quota error.\n"
            + "HardQuotaException : QuotaExceededException | | | Cannot be raised.\n";

        private const string ConsumerHeaders = "X-Acme-Trace | Acme tracing\n";

        private static Compilation RuntimeCompilation()
        {
            // The runtime's generated API, compiled as the Http.Client assembly the consumer references.
            string handwritten = System.IO.Path.Combine(GeneratorHarness.RepoRoot, "runtime", "Exceptions.cs");
            (_, Compilation runtime, ImmutableArray<Diagnostic> diagnostics) = GeneratorHarness.Run(
                GeneratorHarness.RealSpecFiles(),
                rootNamespace: "Http.Client",
                assemblyName: "Http.Client",
                sources: new[] { GeneratorHarness.Parse(System.IO.File.ReadAllText(handwritten), handwritten) });
            Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            return runtime;
        }

        [Fact]
        public void ConsumerSpecsGenerateIntoTheProjectsRootNamespace()
        {
            const string usage = @"
namespace Acme.Api.Usage
{
    public static class Use
    {
        public static string Describe(int code) => code switch
        {
            Acme.Api.StatusCodes.NetworkConnectTimeout => Acme.Api.HttpStatus.NetworkConnectTimeout.Phrase(),
            Http.StatusCodes.NotFound => Http.HttpStatusExtensions.Phrase(Http.HttpStatus.NotFound),
            _ => Acme.Api.HeaderNames.XAcmeTrace,
        };

        public static bool IsHttpError(System.Exception e) => e is Http.Client.HttpException && e is System.IO.IOException;

        public static System.Exception Quota() => new Acme.Api.HardQuotaException(""hard"");
    }
}";
            Compilation runtime = RuntimeCompilation();
            (GeneratorDriverRunResult result, Compilation output, ImmutableArray<Diagnostic> diagnostics) = GeneratorHarness.Run(
                new[]
                {
                    new InMemoryAdditionalText("/acme/spec/acme.status.spec", ConsumerStatus),
                    new InMemoryAdditionalText("/acme/spec/acme.exceptions.spec", ConsumerExceptions),
                    new InMemoryAdditionalText("/acme/spec/acme.headers.spec", ConsumerHeaders),
                },
                rootNamespace: "Acme.Api",
                assemblyName: "Acme.Api",
                sources: new[] { GeneratorHarness.Parse("using Acme.Api;\n" + usage) },
                extraReferences: new[] { runtime.ToMetadataReference() });

            Assert.Empty(result.Diagnostics);
            Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            Assert.All(result.Results[0].GeneratedSources, s => Assert.Contains("namespace Acme.Api\n", s.SourceText.ToString()));
            Assert.Contains(result.Results[0].GeneratedSources, s => s.HintName == "acme.exceptions.Exceptions.g.cs");

            Assembly assembly = AssemblyLoader.Load(output, runtime);
            Type use = assembly.GetType("Acme.Api.Usage.Use")!;
            Assert.Equal("Network Connect Timeout Error", use.GetMethod("Describe")!.Invoke(null, new object[] { 599 }));
            Assert.Equal("X-Acme-Trace", use.GetMethod("Describe")!.Invoke(null, new object[] { 1 }));
            var quota = (Exception)use.GetMethod("Quota")!.Invoke(null, null)!;
            Assert.Equal("hard", quota.Message);
            Assert.Equal("Http.Client.HttpException", quota.GetType().BaseType!.BaseType!.FullName);
        }

        [Fact]
        public void WithoutRootNamespaceTheAssemblyNameIsTheNamespace()
        {
            (GeneratorDriverRunResult result, _, ImmutableArray<Diagnostic> diagnostics) = GeneratorHarness.Run(
                new[] { new InMemoryAdditionalText("/x/headers.spec", ConsumerHeaders) },
                rootNamespace: null,
                assemblyName: "Contoso.Tools");

            Assert.Empty(diagnostics);
            Assert.Contains("namespace Contoso.Tools\n", Assert.Single(result.Results[0].GeneratedSources).SourceText.ToString());
        }

        [Fact]
        public void QuotesBackslashesAndBracesInSpecTextReachTheCodeIntact()
        {
            const string status = "namespace Quoting\n499 ODD | Say \"hi\" \\ there | <b>C:\\path\\</b> & \"more\"\n";
            const string exceptions = "namespace Quoting\nOddException : System.Exception | string Name | \"name \"{Name}\" at C:\\x\\ {{literal}}\" | A <summary> & \"quote\"\n";
            (GeneratorDriverRunResult result, Compilation output, ImmutableArray<Diagnostic> diagnostics) = GeneratorHarness.Run(new[]
            {
                new InMemoryAdditionalText("/q/status.spec", status),
                new InMemoryAdditionalText("/q/exceptions.spec", exceptions),
            });

            Assert.Empty(result.Diagnostics);
            Assert.Empty(diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            Assembly assembly = AssemblyLoader.Load(output);
            object? phrase = assembly.GetType("Quoting.ReasonPhrases")!.GetMethod("Get")!.Invoke(null, new object[] { 499 });
            Assert.Equal("Say \"hi\" \\ there", phrase);
            object odd = Enum.ToObject(assembly.GetType("Quoting.HttpStatus")!, 499);
            Assert.Equal("<b>C:\\path\\</b> & \"more\"", assembly.GetType("Quoting.HttpStatusExtensions")!.GetMethod("Description")!.Invoke(null, new[] { odd }));
            var exception = (Exception)Activator.CreateInstance(assembly.GetType("Quoting.OddException")!, "n")!;
            Assert.Equal("name \"n\" at C:\\x\\ {literal}", exception.Message);
        }
    }
}
