using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Http.Client.Generator.Tests
{
    /// <summary>
    /// A consumer's status and header specs extend the library's tables (the package's spec files, marked
    /// HttpClientSpec="library"): one table with the shipped rows and the consumer's, conversions by value, and
    /// HTTPGEN012/013 at the line for a redefinition that is not marked 'override'.
    /// </summary>
    public sealed class ExtendingTests
    {
        private static readonly Lazy<Compilation> s_runtime = new Lazy<Compilation>(() =>
        {
            string handwritten = System.IO.Path.Combine(GeneratorHarness.RepoRoot, "runtime", "Exceptions.cs");
            (_, Compilation runtime, ImmutableArray<Diagnostic> diagnostics) = GeneratorHarness.Run(
                GeneratorHarness.RealSpecFiles(),
                rootNamespace: "Http.Client",
                assemblyName: "Http.Client",
                sources: new[] { GeneratorHarness.Parse(System.IO.File.ReadAllText(handwritten), handwritten) });
            Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            return runtime;
        });

        private static (GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> Compile) RunConsumer(string status, string headers, string usage)
        {
            var texts = new List<AdditionalText>(GeneratorHarness.LibrarySpecFiles())
            {
                new InMemoryAdditionalText("/acme/spec/acme.status.spec", status),
                new InMemoryAdditionalText("/acme/spec/acme.headers.spec", headers),
            };
            return GeneratorHarness.Run(
                texts,
                rootNamespace: "Acme.Api",
                assemblyName: "Acme.Api",
                sources: new[] { GeneratorHarness.Parse(usage) },
                extraReferences: new[] { s_runtime.Value.ToMetadataReference() });
        }

        private const string Usage = @"
namespace Acme.Api
{
    public static class Use
    {
        public static string? Phrase(int code) => ReasonPhrases.Get(code);
        public static int Count() => ReasonPhrases.All.Count;
        public static int NotFound() => StatusCodes.NotFound;
        public static string Header() => HeaderNames.XAcmeTrace + ""/"" + HeaderNames.ContentType;
        public static bool Known(string name) => HeaderNames.TryGetKnown(System.Text.Encoding.ASCII.GetBytes(name), out _);
        // README's line: the library's enum inside the consumer's namespace, without 'using Http;'.
        public static string LibraryPhrase() => Http.HttpStatus.NotFound.Phrase() + ""|"" + Http.HttpStatus.NotFound.IsClientError();
        public static string Ours() => HttpStatus.NetworkConnectTimeout.Phrase() + ""|"" + HttpStatus.NotFound.Description();
        public static int ToLibrary() => (int)HttpStatus.NetworkConnectTimeout.ToLibraryStatus();
        public static HttpStatus FromLibrary() => Http.HttpStatus.Gone.ToExtendedStatus();
    }
}
namespace Elsewhere
{
    using Http;
    using Acme.Api;

    // Both extension classes in scope at one level: each answers for its own enum, nothing is ambiguous.
    public static class Both
    {
        public static string Phrase(Http.HttpStatus status) => status.Phrase() + ""|"" + Acme.Api.HttpStatus.NetworkConnectTimeout.Phrase();
    }
}";

        [Fact]
        public void TheConsumersTableHoldsTheLibrarysRowsAndItsOwn()
        {
            (GeneratorDriverRunResult result, Compilation output, ImmutableArray<Diagnostic> compile) = RunConsumer(
                "599 NETWORK_CONNECT_TIMEOUT | Network Connect Timeout Error | The proxy timed out connecting\n",
                "X-Acme-Trace | Acme tracing\n",
                Usage);

            Assert.Empty(result.Diagnostics);
            Assert.Empty(compile.Where(d => d.Severity >= DiagnosticSeverity.Warning));

            // The library's files produce nothing themselves: only the consumer's two files have output.
            Assert.All(result.Results[0].GeneratedSources, s => Assert.StartsWith("acme.", s.HintName, StringComparison.Ordinal));

            Type use = AssemblyLoader.Load(output, s_runtime.Value).GetType("Acme.Api.Use")!;
            object? Call(string name, params object[] args) => use.GetMethod(name)!.Invoke(null, args);
            Assert.Equal("Not Found", Call("Phrase", 404));
            Assert.Equal("Network Connect Timeout Error", Call("Phrase", 599));
            Assert.Equal(63, Call("Count"));
            Assert.Equal(404, Call("NotFound"));
            Assert.Equal("X-Acme-Trace/Content-Type", Call("Header"));
            Assert.Equal(true, Call("Known", "content-type"));
            Assert.Equal(true, Call("Known", "x-acme-trace"));
            Assert.Equal("Not Found|True", Call("LibraryPhrase"));
            Assert.Equal("Network Connect Timeout Error|Nothing matches the given URI", Call("Ours"));
            Assert.Equal(599, Call("ToLibrary"));
            Assert.Equal(410, (int)Call("FromLibrary")!);
        }

        [Fact]
        public void RestatingAShippedRowAsItIsNeedsNoOverride()
        {
            (GeneratorDriverRunResult result, _, ImmutableArray<Diagnostic> compile) = RunConsumer(
                "404 NOT_FOUND | Not Found | Nothing here, says Acme\nalias 422 UNPROCESSABLE_CONTENT\n",
                "Content-Type | RFC 9110\n",
                "namespace Acme.Api { static class U { static string D() => HttpStatus.NotFound.Description(); } }");

            Assert.Empty(result.Diagnostics);
            Assert.Empty(compile.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            string enumText = result.Results[0].GeneratedSources.Single(s => s.HintName == "acme.status.HttpStatus.g.cs").SourceText.ToString();
            Assert.Single(enumText.Split('\n'), line => line.Trim() == "UnprocessableContent = 422,");
            string extensions = result.Results[0].GeneratedSources.Single(s => s.HintName == "acme.status.HttpStatusExtensions.g.cs").SourceText.ToString();
            Assert.Contains("case 404: return \"Nothing here, says Acme\";", extensions, StringComparison.Ordinal);
        }

        [Fact]
        public void AnOverrideRedefinesAShippedRowInPlace()
        {
            (GeneratorDriverRunResult result, Compilation output, ImmutableArray<Diagnostic> compile) = RunConsumer(
                "override 404 NOT_FOUND | Nothing Here | Acme's wording\noverride 422 UNPROCESSABLE_ENTITY as Unprocessable | Unprocessable | d\n",
                "override content-type | lower case on the wire\n",
                "namespace Acme.Api { public static class U { public static string P() => ReasonPhrases.Get(404) + \"|\" + HeaderNames.ContentType + \"|\" + HttpStatus.UnprocessableContent.Phrase(); } }");

            Assert.Empty(result.Diagnostics);
            Assert.Empty(compile.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            Type u = AssemblyLoader.Load(output, s_runtime.Value).GetType("Acme.Api.U")!;
            // 422's shipped alias UnprocessableContent follows the renamed row.
            Assert.Equal("Nothing Here|content-type|Unprocessable", u.GetMethod("P")!.Invoke(null, null));
            string codes = result.Results[0].GeneratedSources.Single(s => s.HintName == "acme.status.StatusCodes.g.cs").SourceText.ToString();
            Assert.DoesNotContain("UnprocessableEntity", codes, StringComparison.Ordinal);
        }

        public static TheoryData<string, string, string, int, string> Conflicts => new TheoryData<string, string, string, int, string>
        {
            // file, text, id, 1-based line, text at the expected column
            { "acme.status.spec", "599 X | X | x\n404 MISSING | Missing | d\n", "HTTPGEN012", 2, "404" },
            { "acme.status.spec", "404 NOT_FOUND | Not There | d\n", "HTTPGEN012", 1, "404" },
            { "acme.status.spec", "499 NOT_FOUND | Client Gone | d\n", "HTTPGEN012", 1, "NOT_FOUND" },
            { "acme.status.spec", "499 GONE_AWAY as Gone | Client Gone | d\n", "HTTPGEN012", 1, "Gone |" },
            { "acme.status.spec", "alias 499 UNPROCESSABLE_CONTENT\n499 X | X | x\n", "HTTPGEN012", 1, "UNPROCESSABLE_CONTENT" },
            { "acme.status.spec", "override 599 NETWORK_CONNECT_TIMEOUT | Timeout | d\n", "HTTPGEN013", 1, "override" },
            { "acme.headers.spec", "X-Acme\ncontent-TYPE\n", "HTTPGEN012", 2, "content-TYPE" },
            { "acme.headers.spec", "Content_Type\n", "HTTPGEN012", 1, "Content_Type" },
            { "acme.headers.spec", "override X-Acme-Trace\n", "HTTPGEN013", 1, "override" },
        };

        [Theory]
        [MemberData(nameof(Conflicts))]
        public void ARedefinitionWithoutOverrideIsAnErrorAtItsLine(string fileName, string text, string id, int line, string at)
        {
            string path = "/acme/spec/" + fileName;
            var texts = new List<AdditionalText>(GeneratorHarness.LibrarySpecFiles()) { new InMemoryAdditionalText(path, text) };
            (GeneratorDriverRunResult result, _, _) = GeneratorHarness.Run(texts, rootNamespace: "Acme.Api");

            Diagnostic diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal(id, diagnostic.Id);
            FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
            Assert.Equal(path, span.Path);
            Assert.Equal(line, span.StartLinePosition.Line + 1);
            string lineText = text.Split('\n')[line - 1];
            Assert.Equal(lineText.IndexOf(at, StringComparison.Ordinal), span.StartLinePosition.Character);
            Assert.False(string.IsNullOrWhiteSpace(diagnostic.Descriptor.HelpLinkUri));

            // A file with an error produces no code.
            Assert.DoesNotContain(result.Results[0].GeneratedSources, s => s.HintName.StartsWith("acme.", StringComparison.Ordinal));
        }

        [Fact]
        public void OverrideWithoutTheLibrarysTablesSaysTheProjectDoesNotExtendThem()
        {
            Diagnostic diagnostic = Assert.Single(GeneratorHarness.Diagnose("acme.status.spec", "override 404 NOT_FOUND | Nothing Here | d\n"));
            Assert.Equal("HTTPGEN013", diagnostic.Id);
            Assert.Contains("does not extend it", diagnostic.GetMessage(), StringComparison.Ordinal);
        }

        [Fact]
        public void WithoutTheLibrarysSpecsATableStandsAlone()
        {
            (GeneratorDriverRunResult result, _, _) = GeneratorHarness.Run(
                new[] { new InMemoryAdditionalText("/acme/acme.status.spec", "599 X | X | x\n") },
                rootNamespace: "Acme.Api");

            Assert.Empty(result.Diagnostics);
            string phrases = result.Results[0].GeneratedSources.Single(s => s.HintName == "acme.status.ReasonPhrases.g.cs").SourceText.ToString();
            Assert.Contains("(1 entries)", phrases, StringComparison.Ordinal);
            string extensions = result.Results[0].GeneratedSources.Single(s => s.HintName == "acme.status.HttpStatusExtensions.g.cs").SourceText.ToString();
            Assert.DoesNotContain("ToLibraryStatus", extensions, StringComparison.Ordinal);
        }
    }
}
