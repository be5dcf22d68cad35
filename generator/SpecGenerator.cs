using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Http.Client.Generator
{
    /// <summary>
    /// Turns the spec files (AdditionalFiles named *.spec) into C#: status.spec into HttpStatus, StatusCodes,
    /// ReasonPhrases and HttpStatusExtensions; exceptions.spec into exception classes; headers.spec into HeaderNames.
    /// Pipeline: text -> parse (equatable <see cref="SpecFile"/>) -> emit (equatable <see cref="EmitResult"/>) -> output.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class SpecGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names of the pipeline steps, for caching tests.</summary>
        public const string ParseStep = "ParseSpec";

        /// <summary>Tracking name of the step that parses the library's own (shipped) spec files.</summary>
        public const string LibraryParseStep = "ParseLibrarySpec";

        /// <summary>The AdditionalFiles metadata that marks the package's own spec files; its value is <c>library</c>.</summary>
        public const string SpecRoleMetadata = "build_metadata.AdditionalFiles.HttpClientSpec";

        /// <summary>Tracking name of the emit step.</summary>
        public const string EmitStep = "EmitSpec";

        /// <summary>Tracking name of the step that picks the default namespace.</summary>
        public const string NamespaceStep = "DefaultNamespace";

        /// <summary>Namespace when a spec has no directive and the project gives neither RootNamespace nor an assembly name.</summary>
        private const string FallbackNamespace = "Http";

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValueProvider<string> defaultNamespace = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.RootNamespace", out string? ns) ? ns : string.Empty)
                .Combine(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName ?? string.Empty))
                .Select(static (pair, _) => pair.Left.Length > 0 ? pair.Left : pair.Right.Length > 0 ? pair.Right : FallbackNamespace)
                .WithTrackingName(NamespaceStep);

            // The package's own spec files arrive with HttpClientSpec="library" metadata: parsed, never emitted, and
            // extended by the project's status and header specs.
            IncrementalValuesProvider<(AdditionalText Text, bool IsLibrary)> texts = context.AdditionalTextsProvider
                .Where(static text => text.Path.EndsWith(".spec", StringComparison.OrdinalIgnoreCase))
                .Combine(context.AnalyzerConfigOptionsProvider)
                .Select(static (pair, _) => (pair.Left, IsLibrarySpec(pair.Right.GetOptions(pair.Left))));

            IncrementalValuesProvider<SpecFile> librarySpecs = texts
                .Where(static item => item.IsLibrary)
                .Select(static (item, cancellationToken) => SpecParser.Parse(item.Text.Path, item.Text.GetText(cancellationToken), LibraryTables.None, cancellationToken))
                .WithTrackingName(LibraryParseStep);

            IncrementalValueProvider<LibraryTables> library = librarySpecs
                .Collect()
                .Select(static (files, _) => LibraryTables.From(files));

            IncrementalValuesProvider<SpecFile> specs = texts
                .Where(static item => !item.IsLibrary)
                .Combine(library)
                .Select(static (pair, cancellationToken) => SpecParser.Parse(pair.Left.Text.Path, pair.Left.Text.GetText(cancellationToken), pair.Right, cancellationToken))
                .WithTrackingName(ParseStep);

            // A shipped file that does not parse is reported like any other (it would be the package's fault).
            context.RegisterSourceOutput(librarySpecs.Select(static (spec, _) => spec.Diagnostics), static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

            IncrementalValuesProvider<EmitResult> results = specs
                .Combine(defaultNamespace)
                .Select(static (pair, _) => Emit(pair.Left, pair.Right))
                .WithTrackingName(EmitStep);

            context.RegisterSourceOutput(results, static (output, result) =>
            {
                foreach (DiagnosticInfo diagnostic in result.Diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }

                foreach (GeneratedSource source in result.Sources)
                {
                    output.AddSource(source.HintName, source.Text);
                }
            });
        }

        private static bool IsLibrarySpec(AnalyzerConfigOptions options)
            => options.TryGetValue(SpecRoleMetadata, out string? role) && string.Equals(role.Trim(), "library", StringComparison.OrdinalIgnoreCase);

        internal static EmitResult Emit(SpecFile spec, string defaultNamespace)
        {
            string ns = spec.Namespace ?? defaultNamespace;
            IEnumerable<GeneratedSource> sources = Array.Empty<GeneratedSource>();
            if (spec.Status is not null)
            {
                sources = StatusEmitter.Emit(ns, spec.FileStem, spec.Status);
            }
            else if (spec.Exceptions is not null)
            {
                sources = ExceptionEmitter.Emit(ns, spec.FileStem, spec.Exceptions);
            }
            else if (spec.Headers is not null)
            {
                sources = HeaderEmitter.Emit(ns, spec.FileStem, spec.Headers);
            }

            return new EmitResult(sources.ToEquatableArray(), spec.Diagnostics);
        }
    }
}
