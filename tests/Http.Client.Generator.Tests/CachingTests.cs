using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Http.Client.Generator.Tests
{
    /// <summary>The incremental pipeline does no work again for edits that do not touch a spec file.</summary>
    public sealed class CachingTests
    {
        private static readonly string[] TrackedSteps = { SpecGenerator.ParseStep, SpecGenerator.EmitStep };

        [Fact]
        public void EditingAnUnrelatedFileLeavesEveryStepCachedOrUnchanged()
        {
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation("Http.Client", new[] { GeneratorHarness.Parse("class Unrelated { }", "Unrelated.cs") });
            GeneratorDriver driver = GeneratorHarness.CreateDriver(GeneratorHarness.RealSpecFiles(), "Http.Client").RunGenerators(compilation);

            // Edit the unrelated C# file and add an unrelated additional file (not a .spec), then run again.
            SyntaxTree oldTree = compilation.SyntaxTrees.Single();
            CSharpCompilation edited = compilation.ReplaceSyntaxTree(oldTree, GeneratorHarness.Parse("class Unrelated { int _field; }", "Unrelated.cs"));
            driver = driver.AddAdditionalTexts(ImmutableArray.Create<AdditionalText>(new InMemoryAdditionalText("/repo/notes.txt", "not a spec")));
            GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

            foreach (string step in TrackedSteps)
            {
                ImmutableArray<IncrementalGeneratorRunStep> runs = result.TrackedSteps[step];
                Assert.Equal(3, runs.Length);
                Assert.All(
                    runs.SelectMany(run => run.Outputs),
                    output => Assert.True(
                        output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                        $"step {step} output was {output.Reason}"));
            }

            Assert.All(
                result.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(run => run.Outputs),
                output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output was {output.Reason}"));
        }

        [Fact]
        public void EditingOneSpecFileReparsesOnlyThatFile()
        {
            ImmutableArray<AdditionalText> specs = GeneratorHarness.RealSpecFiles().ToImmutableArray();
            CSharpCompilation compilation = GeneratorHarness.CreateCompilation("Http.Client", Enumerable.Empty<SyntaxTree>());
            GeneratorDriver driver = GeneratorHarness.CreateDriver(specs, "Http.Client").RunGenerators(compilation);

            AdditionalText headers = specs.Single(t => t.Path.EndsWith("headers.spec", System.StringComparison.Ordinal));
            var editedHeaders = new InMemoryAdditionalText(headers.Path, headers.GetText()!.ToString() + "X-Acme-Trace | test\n");
            driver = driver.ReplaceAdditionalText(headers, editedHeaders);
            GeneratorRunResult result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

            IncrementalStepRunReason[] reasons = result.TrackedSteps[SpecGenerator.ParseStep]
                .SelectMany(run => run.Outputs)
                .Select(output => output.Reason)
                .ToArray();
            Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
            Assert.Equal(2, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
            Assert.Contains(result.GeneratedSources, s => s.SourceText.ToString().Contains("XAcmeTrace", System.StringComparison.Ordinal));
        }
    }
}
