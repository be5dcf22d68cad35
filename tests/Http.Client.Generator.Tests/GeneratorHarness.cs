using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Http.Client.Generator.Tests
{
    /// <summary>Runs <see cref="SpecGenerator"/> in-process with CSharpGeneratorDriver, as the compiler would.</summary>
    internal static class GeneratorHarness
    {
        private static readonly Lazy<string> s_repoRoot = new Lazy<string>(FindRepoRoot);
        private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new Lazy<ImmutableArray<MetadataReference>>(LoadReferences);

        public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.Latest);

        /// <summary>The checkout root: the nearest ancestor of the test binaries that holds Gen.sln.</summary>
        public static string RepoRoot => s_repoRoot.Value;

        public static ImmutableArray<MetadataReference> References => s_references.Value;

        public static string SpecDirectory => Path.Combine(RepoRoot, "spec");

        public static IReadOnlyList<AdditionalText> RealSpecFiles()
            => Directory.GetFiles(SpecDirectory, "*.spec")
                .OrderBy(path => path, StringComparer.Ordinal)
                .Select(path => (AdditionalText)new InMemoryAdditionalText(path, File.ReadAllText(path)))
                .ToList();

        public static CSharpCompilation CreateCompilation(string assemblyName, IEnumerable<SyntaxTree> trees, IEnumerable<MetadataReference>? extraReferences = null)
            => CSharpCompilation.Create(
                assemblyName,
                trees,
                References.AddRange(extraReferences ?? Array.Empty<MetadataReference>()),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        /// <summary>The repository's spec files marked as the package marks them (HttpClientSpec="library"), for a consumer to extend.</summary>
        public static IReadOnlyList<AdditionalText> LibrarySpecFiles()
            => RealSpecFiles().Select(text => (AdditionalText)new InMemoryAdditionalText(text.Path, text.GetText()!.ToString(), isLibrary: true)).ToList();

        public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> texts, string? rootNamespace = null)
            => CSharpGeneratorDriver.Create(
                new[] { new SpecGenerator().AsSourceGenerator() },
                texts,
                ParseOptions,
                new TestOptionsProvider(rootNamespace),
                new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        /// <summary>Runs the generator once; returns the driver result and the compilation with the output added.</summary>
        public static (GeneratorDriverRunResult Result, Compilation Output, ImmutableArray<Diagnostic> CompileDiagnostics) Run(
            IEnumerable<AdditionalText> texts,
            string? rootNamespace = null,
            string assemblyName = "Consumer",
            IEnumerable<SyntaxTree>? sources = null,
            IEnumerable<MetadataReference>? extraReferences = null)
        {
            CSharpCompilation compilation = CreateCompilation(assemblyName, sources ?? Array.Empty<SyntaxTree>(), extraReferences);
            GeneratorDriver driver = CreateDriver(texts, rootNamespace)
                .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> _, CancellationToken.None);
            GeneratorDriverRunResult result = driver.GetRunResult();
            return (result, output, output.GetDiagnostics());
        }

        /// <summary>Diagnostics the generator reports for one spec file with the given name and text.</summary>
        public static ImmutableArray<Diagnostic> Diagnose(string fileName, string text)
        {
            string path = Path.Combine("/specs", fileName);
            (GeneratorDriverRunResult result, _, _) = Run(new[] { new InMemoryAdditionalText(path, text) });
            return result.Diagnostics;
        }

        public static SyntaxTree Parse(string code, string path = "Test.cs") => CSharpSyntaxTree.ParseText(code, ParseOptions, path);

        private static string FindRepoRoot()
        {
            for (DirectoryInfo? dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Gen.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Gen.sln not found above " + AppContext.BaseDirectory);
        }

        private static ImmutableArray<MetadataReference> LoadReferences()
        {
            string trusted = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
                ?? throw new InvalidOperationException("TRUSTED_PLATFORM_ASSEMBLIES is not set");
            return trusted.Split(Path.PathSeparator)
                .Where(path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
                .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
                .ToImmutableArray();
        }
    }

    internal sealed class InMemoryAdditionalText : AdditionalText
    {
        private readonly SourceText _text;

        public InMemoryAdditionalText(string path, string text, bool isLibrary = false)
        {
            Path = path;
            _text = SourceText.From(text);
            IsLibrary = isLibrary;
        }

        /// <summary>Whether the item carries HttpClientSpec="library", as the package's own spec files do.</summary>
        public bool IsLibrary { get; }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    internal sealed class TestOptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly TestOptions _global;

        public TestOptionsProvider(string? rootNamespace)
        {
            var values = new Dictionary<string, string>();
            if (rootNamespace is not null)
            {
                values["build_property.RootNamespace"] = rootNamespace;
            }

            _global = new TestOptions(values);
        }

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestOptions.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
            => textFile is InMemoryAdditionalText { IsLibrary: true } ? TestOptions.Library : TestOptions.Empty;

        private sealed class TestOptions : AnalyzerConfigOptions
        {
            public static readonly TestOptions Empty = new TestOptions(new Dictionary<string, string>());

            public static readonly TestOptions Library = new TestOptions(new Dictionary<string, string> { [SpecGenerator.SpecRoleMetadata] = "library" });

            private readonly Dictionary<string, string> _values;

            public TestOptions(Dictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
                => _values.TryGetValue(key, out value);
        }
    }

    internal static class AssemblyLoader
    {
        /// <summary>
        /// Emits a compilation (and the compilations it references) and loads them into one fresh load context,
        /// failing with the compiler's errors when one does not compile.
        /// </summary>
        public static Assembly Load(Compilation compilation, params Compilation[] dependencies)
        {
            var context = new System.Runtime.Loader.AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
            foreach (Compilation dependency in dependencies)
            {
                context.LoadFromStream(new MemoryStream(EmitBytes(dependency)));
            }

            return context.LoadFromStream(new MemoryStream(EmitBytes(compilation)));
        }

        private static byte[] EmitBytes(Compilation compilation)
        {
            using var stream = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult emit = compilation.Emit(stream);
            if (!emit.Success)
            {
                throw new InvalidOperationException("Compilation failed:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            }

            return stream.ToArray();
        }
    }
}
