using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Http.Client.Generator
{
    // The equatable model between parsing and emitting. Plain records of strings, numbers and
    // EquatableArrays: no ISymbol, no SyntaxNode, no SourceText, so an unchanged spec file yields an
    // equal model and the incremental pipeline skips the emit step.

    internal enum SpecKind
    {
        Unknown,
        Status,
        Exceptions,
        Headers,
    }

    /// <summary>A diagnostic with its location spelled out as values, so it can live in an equatable model.</summary>
    internal sealed record DiagnosticInfo(
        DiagnosticDescriptor Descriptor,
        string Path,
        TextSpan Span,
        LinePositionSpan LineSpan,
        EquatableArray<string> Arguments)
    {
        public Diagnostic ToDiagnostic()
        {
            object[] args = new object[Arguments.Count];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = Arguments[i];
            }

            return Diagnostic.Create(Descriptor, Location.Create(Path, Span, LineSpan), args);
        }
    }

    /// <summary>One parsed spec file: at most one of the three tables is set, matching <see cref="Kind"/>.</summary>
    internal sealed record SpecFile(
        string Path,
        string FileStem,
        SpecKind Kind,
        string? Namespace,
        StatusTable? Status,
        ExceptionTable? Exceptions,
        HeaderTable? Headers,
        EquatableArray<DiagnosticInfo> Diagnostics);

    internal sealed record StatusEntry(int Value, string PythonName, string Name, string Phrase, string Description);

    internal sealed record StatusAlias(int Value, string PythonName, string Name, string TargetName);

    /// <summary>
    /// A status table. <see cref="LibraryNamespace"/> is set when the table extends the library's (a consumer's spec
    /// merged with the package's status.spec): the emitter then adds conversions to and from the library's enum.
    /// </summary>
    internal sealed record StatusTable(EquatableArray<StatusEntry> Entries, EquatableArray<StatusAlias> Aliases, string? LibraryNamespace = null);

    internal enum MessageKind
    {
        /// <summary>The caller passes the message: (), (message), (message, innerException).</summary>
        Caller,

        /// <summary>An interpolation template over the class's properties.</summary>
        Template,

        /// <summary>A handwritten partial part supplies <c>FormatMessage</c>.</summary>
        Custom,
    }

    /// <summary>A property an exception carries; also a constructor parameter.</summary>
    internal sealed record ExceptionProperty(string Type, string Name, string ParameterName, string? DefaultValue, string EmptyValue);

    /// <summary>
    /// An exception class. <see cref="MessageTemplate"/> holds the C# interpolated-string body already
    /// escaped for emission (holes renamed to parameters) when <see cref="MessageKind"/> is Template.
    /// </summary>
    internal sealed record ExceptionEntry(
        string Name,
        string BaseType,
        bool BaseIsInSpec,
        EquatableArray<ExceptionProperty> Properties,
        MessageKind MessageKind,
        string? MessageTemplate,
        bool MessageTemplateHasHoles,
        string Summary);

    internal sealed record ExceptionTable(EquatableArray<ExceptionEntry> Entries);

    internal sealed record HeaderEntry(string Name, string Identifier, string Reference);

    internal sealed record HeaderTable(EquatableArray<HeaderEntry> Entries);

    /// <summary>
    /// The library's own tables, parsed from the spec files the package ships (AdditionalFiles with metadata
    /// <c>HttpClientSpec="library"</c>). A consumer's status and header specs extend them; they are never emitted.
    /// </summary>
    internal sealed record LibraryTables(string StatusNamespace, StatusTable? Status, HeaderTable? Headers)
    {
        public static LibraryTables None { get; } = new LibraryTables(string.Empty, null, null);

        /// <summary>The first library file of each kind that parsed without errors.</summary>
        public static LibraryTables From(System.Collections.Immutable.ImmutableArray<SpecFile> files)
        {
            SpecFile? status = null;
            SpecFile? headers = null;
            foreach (SpecFile file in files)
            {
                status ??= file.Status is not null ? file : null;
                headers ??= file.Headers is not null ? file : null;
            }

            return new LibraryTables(status?.Namespace ?? string.Empty, status?.Status, headers?.Headers);
        }
    }

    /// <summary>A generated source file: hint name and text.</summary>
    internal sealed record GeneratedSource(string HintName, string Text);

    /// <summary>What the emit step produces for one spec file.</summary>
    internal sealed record EmitResult(EquatableArray<GeneratedSource> Sources, EquatableArray<DiagnosticInfo> Diagnostics);
}
