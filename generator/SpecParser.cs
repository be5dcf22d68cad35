using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using static Http.Client.Generator.SpecText;

namespace Http.Client.Generator
{
    /// <summary>
    /// Hand-written line parser for the three spec kinds. One fact a line; blank lines and lines whose first
    /// non-blank character is '#' are skipped. Every fault becomes a <see cref="DiagnosticInfo"/> at its line
    /// and column; a file with errors produces no model (and so no generated code).
    /// </summary>
    internal sealed partial class SpecParser
    {
        /// <summary>Lowest and highest status code a status spec may define (three digits).</summary>
        internal const int MinStatusCode = 100;
        internal const int MaxStatusCode = 999;

        private readonly string _path;
        private readonly SourceText _text;
        private readonly CancellationToken _cancellationToken;
        private readonly LibraryTables _library;
        private readonly List<DiagnosticInfo> _diagnostics = new List<DiagnosticInfo>();
        private string? _namespace;
        private bool _sawEntry;

        private SpecParser(string path, SourceText text, LibraryTables library, CancellationToken cancellationToken)
        {
            _path = path;
            _library = library;
            _text = text;
            _cancellationToken = cancellationToken;
        }

        /// <summary>The spec kind named by the file name: status.spec, exceptions.spec, headers.spec, or &lt;prefix&gt;.&lt;kind&gt;.spec.</summary>
        public static SpecKind KindOf(string path)
        {
            string name = FileName(path).ToLowerInvariant();
            if (name == "status.spec" || name.EndsWith(".status.spec", StringComparison.Ordinal))
            {
                return SpecKind.Status;
            }

            if (name == "exceptions.spec" || name.EndsWith(".exceptions.spec", StringComparison.Ordinal))
            {
                return SpecKind.Exceptions;
            }

            if (name == "headers.spec" || name.EndsWith(".headers.spec", StringComparison.Ordinal))
            {
                return SpecKind.Headers;
            }

            return SpecKind.Unknown;
        }

        /// <summary>Parses one spec file; a status or header spec extends <paramref name="library"/>'s table when it has one.</summary>
        public static SpecFile Parse(string path, SourceText? text, LibraryTables library, CancellationToken cancellationToken)
        {
            SpecKind kind = KindOf(path);
            string fileName = FileName(path);
            string stem = fileName.EndsWith(".spec", StringComparison.OrdinalIgnoreCase) ? fileName.Substring(0, fileName.Length - 5) : fileName;
            var parser = new SpecParser(path, text ?? SourceText.From(string.Empty), library, cancellationToken);

            StatusTable? status = null;
            ExceptionTable? exceptions = null;
            HeaderTable? headers = null;
            switch (kind)
            {
                case SpecKind.Status:
                    status = parser.ParseStatus();
                    break;
                case SpecKind.Exceptions:
                    exceptions = parser.ParseExceptions();
                    break;
                case SpecKind.Headers:
                    headers = parser.ParseHeaders();
                    break;
                default:
                    parser.Report(DiagnosticDescriptors.UnknownSpecKind, 0, 0, 0, fileName);
                    break;
            }

            bool hasErrors = parser._diagnostics.Exists(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
            return new SpecFile(
                path,
                stem,
                kind,
                parser._namespace,
                hasErrors ? null : status,
                hasErrors ? null : exceptions,
                hasErrors ? null : headers,
                parser._diagnostics.ToEquatableArray());
        }

        // ---------------------------------------------------------------- shared: lines, directives, checks, diagnostics

        private IEnumerable<SpecLine> Lines()
        {
            foreach (TextLine textLine in _text.Lines)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                string text = _text.ToString(textLine.Span);
                string trimmed = text.Trim();
                if (trimmed.Length == 0 || trimmed[0] == '#')
                {
                    continue;
                }

                yield return new SpecLine(textLine.LineNumber, textLine.Start, text);
            }
        }

        private bool TryNamespaceDirective(SpecLine line, List<Field> fields, List<Field> words)
        {
            if (fields.Count != 1 || words.Count == 0 || words[0].Text != "namespace")
            {
                _sawEntry = true;
                return false;
            }

            if (words.Count != 2)
            {
                Report(DiagnosticDescriptors.LineDoesNotParse, line, words[0].Column, fields[0].Text.Length, "Expected 'namespace <Dotted.Name>'");
                return true;
            }

            Field name = words[1];
            if (_sawEntry || _namespace is not null)
            {
                Report(DiagnosticDescriptors.LineDoesNotParse, line, words[0].Column, fields[0].Text.Length, "The namespace directive must come once, before the first entry");
                return true;
            }

            if (!IsQualifiedName(name.Text))
            {
                Report(DiagnosticDescriptors.NotAnIdentifier, line, name.Column, name.Text.Length, name.Text, " (a namespace is a dotted name of identifiers)");
                return true;
            }

            _namespace = name.Text;
            return true;
        }

        private bool CheckDuplicate(Dictionary<string, int> seen, string name, SpecLine line, Field field)
        {
            if (seen.TryGetValue(name, out int previousLine))
            {
                Report(DiagnosticDescriptors.DuplicateName, line, field.Column, field.Text.Length, name, (previousLine + 1).ToString(CultureInfo.InvariantCulture));
                return true;
            }

            seen.Add(name, line.Number);
            return false;
        }

        /// <summary>
        /// Text goes into string literals and XML docs. Quotes, backslashes and &lt;&amp;&gt; are escaped on the way,
        /// but control characters and line separators would end a literal or a doc comment line: report them.
        /// </summary>
        private bool CheckText(SpecLine line, Field field, string what)
        {
            string text = field.Text;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool surrogateOk = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) : !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(text[i - 1]));
                if (c < ' ' || c == '\u007f' || c == '\u0085' || c == '\u2028' || c == '\u2029' || !surrogateOk)
                {
                    Report(DiagnosticDescriptors.TextCannotBeEmitted, line, field.Column + i, 1, $"{what} contains U+{(int)c:X4}, which cannot appear in generated string literals or XML docs");
                    return false;
                }
            }

            return true;
        }

        private void Report(DiagnosticDescriptor descriptor, SpecLine line, int column, int length, params string[] args)
            => Report(descriptor, line.Number, column, length, args, line.Start);

        private void Report(DiagnosticDescriptor descriptor, int lineNumber, int column, int length, params string[] args)
            => Report(descriptor, lineNumber, column, length, args, lineNumber < _text.Lines.Count ? _text.Lines[lineNumber].Start : 0);

        private void Report(DiagnosticDescriptor descriptor, int lineNumber, int column, int length, string[] args, int lineStart)
        {
            var span = new TextSpan(lineStart + column, length);
            var lineSpan = new LinePositionSpan(new LinePosition(lineNumber, column), new LinePosition(lineNumber, column + length));
            _diagnostics.Add(new DiagnosticInfo(descriptor, _path, span, lineSpan, args.ToEquatableArray()));
        }
    }
}
