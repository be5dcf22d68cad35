using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Http.Client.Generator.Tests
{
    /// <summary>
    /// Every ```csharp block of README.md and docs/*.md compiles against the library. A block that declares types or a
    /// namespace is a file; any other block is a run of statements and becomes the body of an async method whose
    /// parameters supply what the text takes as given (<c>connection</c>, <c>response</c>, a cancellation token).
    /// Blocks that use a consumer's generated types compile with the docs' example specs (Acme.Api, below) extending
    /// the library's tables, as the package does. A block preceded by <c>&lt;!-- docs-example: fragment ... --&gt;</c>
    /// is skipped; none is today.
    /// </summary>
    public sealed class DocsExamplesTests
    {
        /// <summary>The example spec files of docs/package-and-analyzers.md (their generated types are in Acme.Api).</summary>
        private static readonly (string Path, string Text)[] ExampleSpecs =
        {
            ("/acme/spec/acme.status.spec", "599 NETWORK_CONNECT_TIMEOUT | Network Connect Timeout Error | The proxy timed out connecting\noverride 418 TEAPOT | Short And Stout | Acme's own wording for 418\n"),
            ("/acme/spec/acme.exceptions.spec", "QuotaExceededException : Http.Client.HttpException | int Limit | \"quota of {Limit} requests exceeded\" | Acme's quota error.\n"),
            ("/acme/Tables/acme.headers.spec", "X-Acme-Trace | Acme tracing\n"),
        };

        /// <summary>Names a snippet may use without declaring them, and their types (added only when the snippet needs one).</summary>
        private static readonly Dictionary<string, string> GivenNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["connection"] = "HttpConnection",
            ["conn"] = "HttpConnection",
            ["response"] = "HttpResponse",
            ["r"] = "HttpResponse",
            ["cancellationToken"] = "System.Threading.CancellationToken",
            ["token"] = "System.Threading.CancellationToken",
        };

        private const string GlobalUsings = @"global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Net.Security;
global using System.Security.Cryptography.X509Certificates;
global using System.Text;
global using System.Threading;
global using System.Threading.Tasks;
global using Http;
global using Http.Client;
";

        private static readonly Regex Fence = new Regex(@"^```csharp[ \t]*\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline);
        private static readonly Regex UsingDirective = new Regex(@"^using (static )?[A-Za-z_][A-Za-z0-9_.]*;\s*$");
        private static readonly Regex Declaration = new Regex(@"^(namespace |(public |internal )?(static |sealed |abstract |partial )*(class|record|struct|interface|enum) )", RegexOptions.Multiline);

        public static TheoryData<string, int> Examples()
        {
            var data = new TheoryData<string, int>();
            foreach ((string file, int line, _) in ReadExamples())
            {
                data.Add(file, line);
            }

            return data;
        }

        [Fact]
        public void TheDocsHaveExamplesAndAtMostAFewFragments()
        {
            List<(string File, int Line, string Code)> examples = ReadExamples().ToList();
            Assert.True(examples.Count >= 20, $"only {examples.Count} C# examples found");
            Assert.Contains(examples, e => e.File == "README.md");
            Assert.Contains(examples, e => e.File == "docs/package-and-analyzers.md");
        }

        [Theory]
        [MemberData(nameof(Examples))]
        public void TheExampleCompiles(string file, int line)
        {
            string code = ReadExamples().Single(e => e.File == file && e.Line == line).Code;
            var parameters = new List<string>();
            for (int attempt = 0; attempt <= GivenNames.Count; attempt++)
            {
                ImmutableArray<Diagnostic> errors = Compile(Wrap(code, parameters));
                var missing = errors
                    .Where(d => d.Id == "CS0103")
                    .Select(d => d.Location.SourceTree!.GetRoot().FindNode(d.Location.SourceSpan).ToString())
                    .Where(name => GivenNames.ContainsKey(name) && !parameters.Contains(name))
                    .Distinct()
                    .ToList();
                if (missing.Count == 0)
                {
                    Assert.True(errors.IsEmpty, $"{file}:{line}: the example does not compile:\n{string.Join("\n", errors)}\n--- compiled as:\n{Wrap(code, parameters)}");
                    return;
                }

                parameters.AddRange(missing);
            }

            Assert.Fail($"{file}:{line}: names keep missing");
        }

        [Fact]
        public void EveryRulesHelpLinkOpensASectionOfTheDocs()
        {
            var descriptors = typeof(DiagnosticDescriptors)
                .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
                .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
                .ToList();
            Assert.NotEmpty(descriptors);
            foreach (DiagnosticDescriptor descriptor in descriptors)
            {
                string link = descriptor.HelpLinkUri;
                Assert.True(link.StartsWith(HelpLinks.DocsRoot, StringComparison.Ordinal), $"{descriptor.Id}: help link '{link}' is not in the docs");
                string[] parts = link.Substring(HelpLinks.DocsRoot.Length).Split('#');
                string page = Path.Combine(GeneratorHarness.RepoRoot, "docs", parts[0]);
                Assert.True(File.Exists(page), $"{descriptor.Id}: no page {page}");
                IEnumerable<string> anchors = File.ReadAllLines(page).Where(l => l.StartsWith('#')).Select(Slug);
                Assert.True(parts.Length == 2 && anchors.Contains(parts[1]), $"{descriptor.Id}: no heading '#{(parts.Length == 2 ? parts[1] : string.Empty)}' in {parts[0]}");
            }
        }

        /// <summary>The anchor a Markdown renderer (GitHub's) gives a heading: lower case, punctuation dropped, spaces to hyphens.</summary>
        private static string Slug(string heading)
        {
            string text = heading.TrimStart('#').Trim().ToLowerInvariant();
            var slug = new StringBuilder();
            foreach (char c in text)
            {
                if (char.IsLetterOrDigit(c) || c == '-' || c == '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            return slug.ToString();
        }

        private static IEnumerable<(string File, int Line, string Code)> ReadExamples()
        {
            string root = GeneratorHarness.RepoRoot;
            IEnumerable<string> files = new[] { Path.Combine(root, "README.md") }
                .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").OrderBy(f => f, StringComparer.Ordinal));
            foreach (string path in files)
            {
                string text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
                foreach (Match match in Fence.Matches(text))
                {
                    string before = text.Substring(0, match.Index).TrimEnd('\n');
                    string previousLine = before.Substring(before.LastIndexOf('\n') + 1);
                    if (previousLine.StartsWith("<!-- docs-example: fragment", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    int line = text.Take(match.Index).Count(c => c == '\n') + 1;
                    yield return (Path.GetRelativePath(root, path).Replace('\\', '/'), line, match.Groups[1].Value);
                }
            }
        }

        /// <summary>A file as it is, or statements inside <c>async Task Run(given names)</c> with their using directives hoisted.</summary>
        private static string Wrap(string code, List<string> parameters)
        {
            if (Declaration.IsMatch(code))
            {
                return code;
            }

            var usings = new StringBuilder();
            var body = new StringBuilder();
            foreach (string line in code.Split('\n'))
            {
                (UsingDirective.IsMatch(line) ? usings : body).Append(line).Append('\n');
            }

            string signature = string.Join(", ", parameters.Select(name => GivenNames[name] + " " + name));
            return usings + "namespace DocsExamples\n{\n    public static class Example\n    {\n        public static async Task Run(" + signature + ")\n        {\n            await Task.CompletedTask;\n"
                + body + "        }\n    }\n}\n";
        }

        private static ImmutableArray<Diagnostic> Compile(string code)
        {
            var texts = new List<AdditionalText>(GeneratorHarness.LibrarySpecFiles());
            texts.AddRange(ExampleSpecs.Select(spec => (AdditionalText)new InMemoryAdditionalText(spec.Path, spec.Text)));
            (GeneratorDriverRunResult result, Compilation output, ImmutableArray<Diagnostic> diagnostics) = GeneratorHarness.Run(
                texts,
                rootNamespace: "Acme.Api",
                assemblyName: "DocsExamples",
                sources: new[] { GeneratorHarness.Parse(GlobalUsings, "GlobalUsings.cs"), GeneratorHarness.Parse(code, "Example.cs") },
                extraReferences: new[] { MetadataReference.CreateFromFile(typeof(HttpConnection).Assembly.Location) });
            Assert.Empty(result.Diagnostics);
            return diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        }
    }
}
