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

    internal sealed record StatusTable(EquatableArray<StatusEntry> Entries, EquatableArray<StatusAlias> Aliases);

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

    /// <summary>A generated source file: hint name and text.</summary>
    internal sealed record GeneratedSource(string HintName, string Text);

    /// <summary>What the emit step produces for one spec file.</summary>
    internal sealed record EmitResult(EquatableArray<GeneratedSource> Sources, EquatableArray<DiagnosticInfo> Diagnostics);
}
