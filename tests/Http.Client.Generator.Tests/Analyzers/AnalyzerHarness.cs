using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Http.Client.Generator.Tests.Analyzers
{
    /// <summary>
    /// Runs <see cref="UsageAnalyzer"/> over user code compiled in-process against the real Http.Client.dll.
    /// Expected diagnostics are written inline as <c>{|HTTP1001:"bad"|}</c>: the id and the exact span.
    /// </summary>
    internal static class AnalyzerHarness
    {
        /// <summary>Time allowed for one analyzer run; it takes milliseconds, the margin is for a loaded machine.</summary>
        private static readonly TimeSpan AnalysisTimeout = TimeSpan.FromSeconds(60);

        private static readonly Lazy<MetadataReference> s_library = new Lazy<MetadataReference>(
            () => MetadataReference.CreateFromFile(typeof(HttpConnection).Assembly.Location));

        /// <summary>Usings every test source starts with (its line count shifts nothing: markup spans are absolute).</summary>
        public const string Usings = "using System.Collections.Generic;\nusing Http;\nusing Http.Client;\n";

        /// <summary>
        /// Compiles <paramref name="markup"/> (with the library unless told otherwise), fails on compile errors, runs the
        /// analyzer and asserts it reports exactly the marked diagnostics (id and span), no more.
        /// </summary>
        public static void Verify(string markup, bool referenceLibrary = true)
        {
            (string source, List<(string Id, TextSpan Span)> expected) = ParseMarkup(markup);
            ImmutableArray<Diagnostic> actual = Analyze(source, referenceLibrary);
            string Describe(IEnumerable<(string Id, TextSpan Span)> items) =>
                string.Join("\n", items.Select(d => $"{d.Id} at {d.Span} '{source.Substring(d.Span.Start, d.Span.Length)}'"));

            var actualItems = actual.Select(d => (d.Id, d.Location.SourceSpan)).OrderBy(d => d.SourceSpan.Start).ThenBy(d => d.Id).ToList();
            var expectedItems = expected.OrderBy(d => d.Span.Start).ThenBy(d => d.Id).ToList();
            Assert.True(
                expectedItems.SequenceEqual(actualItems),
                $"Expected:\n{Describe(expectedItems)}\nActual:\n{Describe(actualItems)}\nMessages:\n{string.Join("\n", actual)}");
        }

        /// <summary>The analyzer's diagnostics for compilable code.</summary>
        public static ImmutableArray<Diagnostic> Analyze(string source, bool referenceLibrary = true)
        {
            SyntaxTree tree = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, "Test.cs");
            IEnumerable<MetadataReference> extra = referenceLibrary ? new[] { s_library.Value } : Array.Empty<MetadataReference>();
            CSharpCompilation compilation = CSharpCompilation.Create(
                "UserCode",
                new[] { tree },
                GeneratorHarness.References.AddRange(extra),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            Assert.True(errors.Length == 0, "The test code does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));

            using var cancellation = new CancellationTokenSource(AnalysisTimeout);
            var exceptions = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            CompilationWithAnalyzers withAnalyzers = compilation.WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(new UsageAnalyzer()),
                new CompilationWithAnalyzersOptions(
                    AnalyzerOptions(),
                    onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
                    concurrentAnalysis: true,
                    logAnalyzerExecutionTime: false,
                    reportSuppressedDiagnostics: false));
            ImmutableArray<Diagnostic> diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(cancellation.Token).GetAwaiter().GetResult();

            // An analyzer that throws would otherwise just report less (AD0001 in a real build).
            Assert.True(exceptions.IsEmpty, "The analyzer threw:\n" + string.Join("\n", exceptions));
            Assert.All(diagnostics, d => Assert.StartsWith("HTTP1", d.Id, StringComparison.Ordinal));
            return diagnostics;
        }

        private static AnalyzerOptions AnalyzerOptions() => new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty);

        private static (string Source, List<(string Id, TextSpan Span)> Expected) ParseMarkup(string markup)
        {
            var source = new StringBuilder(markup.Length);
            var expected = new List<(string, TextSpan)>();
            int index = 0;
            while (index < markup.Length)
            {
                int open = markup.IndexOf("{|", index, StringComparison.Ordinal);
                if (open < 0)
                {
                    source.Append(markup, index, markup.Length - index);
                    break;
                }

                source.Append(markup, index, open - index);
                int colon = markup.IndexOf(':', open);
                int close = markup.IndexOf("|}", colon, StringComparison.Ordinal);
                Assert.True(colon > open && close > colon, "bad markup near " + open);
                string id = markup.Substring(open + 2, colon - open - 2);
                string text = markup.Substring(colon + 1, close - colon - 1);
                expected.Add((id, new TextSpan(source.Length, text.Length)));
                source.Append(text);
                index = close + 2;
            }

            return (source.ToString(), expected);
        }
    }
}
