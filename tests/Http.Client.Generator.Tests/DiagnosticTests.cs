using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Http.Client.Generator.Tests
{
    /// <summary>One case per diagnostic (and per kind of fault): its id, file, line and column.</summary>
    public sealed class DiagnosticTests
    {
        // Two lines in front of every case, so a location that ignores line numbers cannot pass.
        private const string Head = "# a comment line\nnamespace Acme.Api\n";
        private const int FirstEntryLine = 3;

        public static TheoryData<string, string, string, int, string> Cases => new TheoryData<string, string, string, int, string>
        {
            // file name, text after Head, id, 1-based line, text at the expected column (first occurrence on that
            // line; a '^' inside marks the column when the text starts before it; "" means the end of the line)
            { "status.spec", "404 NOT_FOUND | Not Found\n", "HTTPGEN001", FirstEntryLine, "" },
            { "status.spec", "4x4 NOT_FOUND | Not Found | d\n", "HTTPGEN001", FirstEntryLine, "4x4" },
            { "status.spec", "404 NOT_FOUND extra | Not Found | d\n", "HTTPGEN001", FirstEntryLine, "extra" },
            { "status.spec", "404 NOT_FOUND |  | d\n", "HTTPGEN001", FirstEntryLine, " ^| d" },
            { "status.spec", "404 NOT_FOUND | Not Found | d\nalias 404 GONE_AWAY | x\n", "HTTPGEN001", FirstEntryLine + 1, "| x" },
            { "exceptions.spec", "FooException System.Exception\n", "HTTPGEN001", FirstEntryLine, "FooException" },
            { "exceptions.spec", "FooException : System.Exception | str!ng Name | \"{Name}\"\n", "HTTPGEN001", FirstEntryLine, "str!ng" },
            { "exceptions.spec", "FooException : System.Exception | string Name | \"{Name}\" | s | extra\n", "HTTPGEN001", FirstEntryLine, "| extra" },
            { "exceptions.spec", "FooException : System.Exception | int Code | | s\n", "HTTPGEN001", FirstEntryLine, "| ^| s" },
            { "exceptions.spec", "FooException : System.Exception | long Size = Console.Read() | \"{Size}\"\n", "HTTPGEN001", FirstEntryLine, "Console" },
            { "headers.spec", "Accept | RFC 9110 | extra\n", "HTTPGEN001", FirstEntryLine, "| extra" },
            { "status.spec", "404 NOT_FOUND | Not Found | d\nnamespace Late\n", "HTTPGEN001", FirstEntryLine + 1, "namespace" },

            { "status.spec", "404 NOT_FOUND | Not Found | d\n404 MISSING | Missing | d\n", "HTTPGEN002", FirstEntryLine + 1, "404" },

            { "status.spec", "404 NOT_FOUND | Not Found | d\n405 NOT_FOUND | Not Allowed | d\n", "HTTPGEN003", FirstEntryLine + 1, "NOT_FOUND" },
            { "status.spec", "404 NOT_FOUND | Not Found | d\n405 NOTFOUND as NotFound | Not Allowed | d\n", "HTTPGEN003", FirstEntryLine + 1, "NotFound" },
            { "exceptions.spec", "FooException : System.Exception\nFooException : System.IO.IOException\n", "HTTPGEN003", FirstEntryLine + 1, "FooException" },
            { "exceptions.spec", "FooException : System.Exception | int Code, long Code | \"{Code}\"\n", "HTTPGEN003", FirstEntryLine, "Code |" },
            { "headers.spec", "Content-Type\ncontent-type\n", "HTTPGEN003", FirstEntryLine + 1, "content-type" },

            { "exceptions.spec", "AException : System.Exception | string State | \"{State}\"\nBException : AException | string? State = null | \"\"\n", "HTTPGEN003", FirstEntryLine + 1, "State =" },

            { "status.spec", "99 TOO_LOW | Too Low | d\n", "HTTPGEN004", FirstEntryLine, "99" },
            { "status.spec", "1000 TOO_HIGH | Too High | d\n", "HTTPGEN004", FirstEntryLine, "1000" },
            { "status.spec", "404 NOT_FOUND | Not Found | d\nalias 1404 GONE | x\n", "HTTPGEN001", FirstEntryLine + 1, "| x" },
            { "status.spec", "404 NOT_FOUND | Not Found | d\nalias 042 GONE\n", "HTTPGEN004", FirstEntryLine + 1, "042" },

            { "exceptions.spec", "FooException : System.Exception\nBarException : MissingException\n", "HTTPGEN005", FirstEntryLine + 1, "MissingException" },
            { "status.spec", "404 NOT_FOUND | Not Found | d\nalias 499 CLIENT_CLOSED\n", "HTTPGEN005", FirstEntryLine + 1, "499" },

            { "exceptions.spec", "SelfException : SelfException\n", "HTTPGEN006", FirstEntryLine, ": ^SelfException" },

            { "status.spec", "404 NOT-FOUND | Not Found | d\n", "HTTPGEN007", FirstEntryLine, "NOT-FOUND" },
            { "status.spec", "404 NOT_FOUND as class | Not Found | d\n", "HTTPGEN007", FirstEntryLine, "class" },
            { "exceptions.spec", "1BadException : System.Exception\n", "HTTPGEN007", FirstEntryLine, "1BadException" },
            { "exceptions.spec", "FooException : System.Exception | int 2Code | \"{2Code}\"\n", "HTTPGEN007", FirstEntryLine, "2Code" },
            { "exceptions.spec", "FooException : System..Exception\n", "HTTPGEN007", FirstEntryLine, "System..Exception" },
            { "headers.spec", "1-Way\n", "HTTPGEN007", FirstEntryLine, "1-Way" },

            { "headers.spec", "Content Type\n", "HTTPGEN008", FirstEntryLine, " Type" },
            { "headers.spec", "X-Foo@Bar\n", "HTTPGEN008", FirstEntryLine, "@" },
            { "headers.spec", "X-Foo:\n", "HTTPGEN008", FirstEntryLine, ":" },

            { "status.spec", "404 NOT_FOUND | Not\u0001Found | d\n", "HTTPGEN009", FirstEntryLine, "\u0001" },
            { "exceptions.spec", "FooException : System.Exception | string Name | \"bad {Name\"\n", "HTTPGEN009", FirstEntryLine, "{Name" },
            { "exceptions.spec", "FooException : System.Exception | string Name | \"bad } {Name}\"\n", "HTTPGEN009", FirstEntryLine, "} {" },
            { "exceptions.spec", "FooException : System.Exception | string Name | \"{Nope}\"\n", "HTTPGEN009", FirstEntryLine, "{Nope}" },
            { "exceptions.spec", "FooException : System.Exception | | | summary with \u0007 bell\n", "HTTPGEN009", FirstEntryLine, "\u0007" },
            { "headers.spec", "X-Foo | ref\u0000\n", "HTTPGEN009", FirstEntryLine, "\u0000" },

            { "exceptions.spec", "FooException : System.Exception | string Message | \"{Message}\"\n", "HTTPGEN011", FirstEntryLine, "Message |" },
            { "exceptions.spec", "FooException : System.Exception | int FooException | \"{FooException}\"\n", "HTTPGEN011", FirstEntryLine, "FooException |" },
            { "status.spec", "404 NOT_FOUND as StatusCodes | Not Found | d\n", "HTTPGEN011", FirstEntryLine, "StatusCodes" },
            { "headers.spec", "Try-Get-Known\n", "HTTPGEN011", FirstEntryLine, "Try-Get-Known" },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void SpecErrorIsReportedAtItsLineAndColumn(string fileName, string body, string id, int line, string at)
        {
            string text = Head + body;
            ImmutableArray<Diagnostic> diagnostics = GeneratorHarness.Diagnose(fileName, text);

            Diagnostic diagnostic = Assert.Single(diagnostics);
            Assert.Equal(id, diagnostic.Id);
            FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
            Assert.EndsWith(fileName, span.Path);
            string lineText = text.Split('\n')[line - 1];
            int caret = System.Math.Max(0, at.IndexOf('^'));
            string marker = at.Replace("^", string.Empty);
            int found = lineText.IndexOf(marker, System.StringComparison.Ordinal);
            Assert.True(found >= 0, $"'{marker}' is not on line {line}");
            int column = at.Length == 0 ? lineText.Length : found + caret;
            Assert.Equal((line, column + 1), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));

            // The TextSpan agrees with the line/column: the compiler and IDEs use either.
            Assert.Equal(text.Split('\n').Take(line - 1).Sum(l => l.Length + 1) + column, diagnostic.Location.SourceSpan.Start);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        }

        [Fact]
        public void CycleIsReportedOnEveryClassInIt()
        {
            ImmutableArray<Diagnostic> diagnostics = GeneratorHarness.Diagnose("exceptions.spec", Head + "AException : BException\nBException : AException\nCException : AException\n");

            Assert.All(diagnostics, d => Assert.Equal("HTTPGEN006", d.Id));
            Assert.Equal(new[] { FirstEntryLine, FirstEntryLine + 1 }, diagnostics.Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1).ToArray());
            Assert.Contains("AException -> BException -> AException", diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }

        [Fact]
        public void UnknownSpecKindIsAWarningAtTheFileStart()
        {
            Diagnostic diagnostic = Assert.Single(GeneratorHarness.Diagnose("notes.spec", "whatever\n"));

            Assert.Equal("HTTPGEN010", diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
            Assert.Equal(0, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        }

        [Fact]
        public void AFileWithErrorsGeneratesNothing()
        {
            (GeneratorDriverRunResult result, _, _) = GeneratorHarness.Run(new[]
            {
                new InMemoryAdditionalText("/specs/status.spec", Head + "404 NOT_FOUND | Not Found | d\n404 AGAIN | Again | d\n"),
            });

            Assert.Single(result.Diagnostics);
            Assert.Empty(result.Results[0].GeneratedSources);
        }

        [Fact]
        public void EveryDescriptorIsTrackedInTheReleaseFiles()
        {
            string unshipped = System.IO.File.ReadAllText(System.IO.Path.Combine(GeneratorHarness.RepoRoot, "generator", "AnalyzerReleases.Unshipped.md"));
            var ids = typeof(DiagnosticDescriptors)
                .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
                .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
                .ToList();

            Assert.Equal(13, ids.Count(id => id.StartsWith("HTTPGEN", System.StringComparison.Ordinal))); // spec generator
            Assert.Equal(10, ids.Count(id => id.StartsWith("HTTP1", System.StringComparison.Ordinal))); // usage analyzer
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(ids, id => Assert.Contains(id + " |", unshipped));
        }
    }
}
