using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Http.Client.Generator
{
    /// <summary>
    /// Hand-written line parser for the three spec kinds. One fact a line; blank lines and lines whose first
    /// non-blank character is '#' are skipped. Every fault becomes a <see cref="DiagnosticInfo"/> at its line
    /// and column; a file with errors produces no model (and so no generated code).
    /// </summary>
    internal sealed class SpecParser
    {
        /// <summary>Lowest and highest status code a status spec may define (three digits).</summary>
        internal const int MinStatusCode = 100;
        internal const int MaxStatusCode = 999;

        private readonly string _path;
        private readonly SourceText _text;
        private readonly CancellationToken _cancellationToken;
        private readonly List<DiagnosticInfo> _diagnostics = new List<DiagnosticInfo>();
        private string? _namespace;
        private bool _sawEntry;

        private SpecParser(string path, SourceText text, CancellationToken cancellationToken)
        {
            _path = path;
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

        public static SpecFile Parse(string path, SourceText? text, CancellationToken cancellationToken)
        {
            SpecKind kind = KindOf(path);
            string fileName = FileName(path);
            string stem = fileName.EndsWith(".spec", StringComparison.OrdinalIgnoreCase) ? fileName.Substring(0, fileName.Length - 5) : fileName;
            var parser = new SpecParser(path, text ?? SourceText.From(string.Empty), cancellationToken);

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

        // ---------------------------------------------------------------- status.spec

        private StatusTable ParseStatus()
        {
            var entries = new List<StatusEntry>();
            var aliases = new List<(StatusAlias Alias, Field ValueField, int Line)>();
            var valueLines = new Dictionary<int, int>();
            var names = new Dictionary<string, int>(StringComparer.Ordinal);

            foreach (SpecLine line in Lines())
            {
                List<Field> fields = SplitFields(line.Text, '|');
                List<Field> words = SplitWords(fields[0]);
                if (TryNamespaceDirective(line, fields, words))
                {
                    continue;
                }

                if (words.Count == 0)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, fields[0].Column, 0, "Expected '<value> <NAME> [as <CSharpName>] | <phrase> | <description>'");
                    continue;
                }

                bool isAlias = words[0].Text == "alias";
                int first = isAlias ? 1 : 0;
                int count = words.Count - first;
                if (count != 2 && !(count == 4 && words[first + 2].Text == "as"))
                {
                    Field at = count > 4 ? words[first + 4] : count == 3 || count == 4 ? words[first + 2] : words[words.Count - 1];
                    Report(
                        DiagnosticDescriptors.LineDoesNotParse,
                        line,
                        at.Column,
                        at.Text.Length,
                        isAlias ? "Expected 'alias <value> <NAME> [as <CSharpName>]'" : "Expected '<value> <NAME> [as <CSharpName>] | <phrase> | <description>'");
                    continue;
                }

                if (isAlias && fields.Count != 1)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, SeparatorColumn(line.Text, '|', 1), 1, "An alias line has no phrase or description: 'alias <value> <NAME> [as <CSharpName>]'");
                    continue;
                }

                if (!isAlias && fields.Count != 3)
                {
                    if (fields.Count > 3)
                    {
                        Report(DiagnosticDescriptors.LineDoesNotParse, line, SeparatorColumn(line.Text, '|', 3), 1, "Too many fields; expected '<value> <NAME> [as <CSharpName>] | <phrase> | <description>'");
                    }
                    else
                    {
                        Field last = fields[fields.Count - 1];
                        Report(DiagnosticDescriptors.LineDoesNotParse, line, last.Column + last.Text.Length, 0, "Expected three fields: '<value> <NAME> [as <CSharpName>] | <phrase> | <description>'");
                    }

                    continue;
                }

                Field valueField = words[first];
                Field pythonField = words[first + 1];
                Field? asField = count == 4 ? words[first + 3] : (Field?)null;

                if (!TryParseStatusValue(line, valueField, out int value))
                {
                    continue;
                }

                string name = asField is Field explicitName ? explicitName.Text : PascalCase(pythonField.Text);
                Field nameField = asField ?? pythonField;
                if (!IsIdentifier(name))
                {
                    Report(DiagnosticDescriptors.NotAnIdentifier, line, nameField.Column, nameField.Text.Length, name, asField is null ? $" (derived from '{pythonField.Text}')" : string.Empty);
                    continue;
                }

                if (StatusReservedNames.Contains(name))
                {
                    Report(DiagnosticDescriptors.ReservedName, line, nameField.Column, nameField.Text.Length, name, "the name of a generated type or reserved in enums");
                    continue;
                }

                bool duplicate = CheckDuplicate(names, pythonField.Text, line, pythonField);
                if (!duplicate && name != pythonField.Text)
                {
                    duplicate = CheckDuplicate(names, name, line, nameField);
                }

                if (isAlias)
                {
                    if (!duplicate)
                    {
                        aliases.Add((new StatusAlias(value, pythonField.Text, name, string.Empty), valueField, line.Number));
                    }

                    continue;
                }

                if (valueLines.TryGetValue(value, out int previousLine))
                {
                    Report(DiagnosticDescriptors.DuplicateStatusValue, line, valueField.Column, valueField.Text.Length, value.ToString(CultureInfo.InvariantCulture), (previousLine + 1).ToString(CultureInfo.InvariantCulture));
                    continue;
                }

                valueLines.Add(value, line.Number);

                Field phrase = fields[1];
                Field description = fields[2];
                if (phrase.Text.Length == 0)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, phrase.Column, 0, "The phrase is empty");
                    continue;
                }

                bool textOk = CheckText(line, phrase, "The phrase");
                textOk &= CheckText(line, description, "The description");
                if (textOk && !duplicate)
                {
                    entries.Add(new StatusEntry(value, pythonField.Text, name, phrase.Text, description.Text));
                }
            }

            var resolvedAliases = new List<StatusAlias>();
            foreach ((StatusAlias alias, Field valueField, int lineNumber) in aliases)
            {
                StatusEntry? target = entries.Find(e => e.Value == alias.Value);
                if (target is null)
                {
                    if (!valueLines.ContainsKey(alias.Value))
                    {
                        Report(DiagnosticDescriptors.UndefinedReference, lineNumber, valueField.Column, valueField.Text.Length, alias.Value.ToString(CultureInfo.InvariantCulture), " (an alias names a status defined by a '<value> <NAME> | ...' line)");
                    }

                    continue;
                }

                resolvedAliases.Add(alias with { TargetName = target.Name });
            }

            return new StatusTable(entries.ToEquatableArray(), resolvedAliases.ToEquatableArray());
        }

        private bool TryParseStatusValue(SpecLine line, Field field, out int value)
        {
            value = 0;
            string text = field.Text;
            bool digits = text.Length > 0 && text.Length <= 9;
            foreach (char c in text)
            {
                digits &= c >= '0' && c <= '9';
            }

            if (!digits)
            {
                Report(DiagnosticDescriptors.LineDoesNotParse, line, field.Column, text.Length, $"'{text}' is not a status code (expected a number 100-999)");
                return false;
            }

            value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value < MinStatusCode || value > MaxStatusCode)
            {
                Report(DiagnosticDescriptors.StatusOutOfRange, line, field.Column, text.Length, text);
                return false;
            }

            return true;
        }

        // ---------------------------------------------------------------- exceptions.spec

        /// <summary>Names a status may not take: the generated types that hold them, and the enum's hidden field.</summary>
        private static readonly HashSet<string> StatusReservedNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "HttpStatus", "StatusCodes", "value__",
        };

        /// <summary>Public and protected members of System.Exception (and object): a property with one of these names would hide it.</summary>
        private static readonly HashSet<string> ExceptionMemberNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "Data", "HelpLink", "HResult", "InnerException", "Message", "Source", "StackTrace", "TargetSite", "SerializeObjectState",
            "GetBaseException", "GetObjectData", "GetType", "ToString", "Equals", "GetHashCode", "MemberwiseClone", "Finalize",
            "ReferenceEquals", "FormatMessage",
        };

        private const string ExceptionLineFormat = "'<Name> : <Base> | <properties> | <message> | <summary>'";

        private ExceptionTable ParseExceptions()
        {
            var entries = new List<(ExceptionEntry Entry, SpecLine Line, Field BaseField, List<Field> PropertyFields)>();
            var names = new Dictionary<string, int>(StringComparer.Ordinal);

            foreach (SpecLine line in Lines())
            {
                List<Field> fields = SplitFields(line.Text, '|');
                if (TryNamespaceDirective(line, fields, SplitWords(fields[0])))
                {
                    continue;
                }

                if (fields.Count > 4)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, SeparatorColumn(line.Text, '|', 4), 1, "Too many fields; expected " + ExceptionLineFormat);
                    continue;
                }

                Field head = fields[0];
                int colon = head.Text.IndexOf(':');
                if (colon < 0)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, head.Column, head.Text.Length, "Expected " + ExceptionLineFormat);
                    continue;
                }

                Field nameField = Sub(head, 0, colon);
                Field baseField = Sub(head, colon + 1, head.Text.Length - colon - 1);
                if (nameField.Text.Length == 0 || baseField.Text.Length == 0)
                {
                    Field at = nameField.Text.Length == 0 ? nameField : baseField;
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, at.Column, 0, (nameField.Text.Length == 0 ? "The class name is missing" : "The base class is missing") + "; expected " + ExceptionLineFormat);
                    continue;
                }

                if (!IsIdentifier(nameField.Text))
                {
                    Report(DiagnosticDescriptors.NotAnIdentifier, line, nameField.Column, nameField.Text.Length, nameField.Text, string.Empty);
                    continue;
                }

                if (!IsQualifiedName(baseField.Text))
                {
                    Report(DiagnosticDescriptors.NotAnIdentifier, line, baseField.Column, baseField.Text.Length, baseField.Text, " (a base class is a name or a dotted namespace-qualified name)");
                    continue;
                }

                bool ok = !CheckDuplicate(names, nameField.Text, line, nameField);

                var properties = new List<ExceptionProperty>();
                var propertyFields = new List<Field>();
                if (fields.Count > 1 && fields[1].Text.Length > 0)
                {
                    if (!ParseProperties(line, fields[1], nameField.Text, properties, propertyFields))
                    {
                        continue;
                    }
                }

                MessageKind messageKind = MessageKind.Caller;
                string? template = null;
                bool templateHasHoles = false;
                if (fields.Count > 2 && fields[2].Text.Length > 0)
                {
                    Field message = fields[2];
                    if (message.Text == "custom")
                    {
                        messageKind = MessageKind.Custom;
                    }
                    else if (message.Text.Length >= 2 && message.Text[0] == '"' && message.Text[message.Text.Length - 1] == '"')
                    {
                        messageKind = MessageKind.Template;
                        template = ConvertTemplate(line, Sub(message, 1, message.Text.Length - 2), nameField.Text, properties, out templateHasHoles);
                        ok &= template is not null;
                    }
                    else
                    {
                        Report(DiagnosticDescriptors.LineDoesNotParse, line, message.Column, message.Text.Length, "The message field is empty (the caller passes a message), \"a template with {Property} holes\", or custom");
                        continue;
                    }

                    if (ok && properties.Count == 0)
                    {
                        Report(DiagnosticDescriptors.LineDoesNotParse, line, message.Column, message.Text.Length, "A class without properties takes its message from the caller; leave the message field empty");
                        continue;
                    }
                }

                if (ok && properties.Count > 0 && messageKind == MessageKind.Caller)
                {
                    int column = fields.Count > 2 ? fields[2].Column : line.Text.Length;
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, column, 0, "A class with properties needs a message: \"a template with {Property} holes\" or custom");
                    continue;
                }

                string summary = string.Empty;
                if (fields.Count > 3)
                {
                    ok &= CheckText(line, fields[3], "The summary");
                    summary = fields[3].Text;
                }

                if (summary.Length == 0)
                {
                    summary = $"The {nameField.Text} exception.";
                }

                if (ok)
                {
                    bool baseIsInSpec = baseField.Text.IndexOf('.') < 0;
                    entries.Add((new ExceptionEntry(nameField.Text, baseField.Text, baseIsInSpec, properties.ToEquatableArray(), messageKind, template, templateHasHoles, summary), line, baseField, propertyFields));
                }
            }

            var byName = new Dictionary<string, ExceptionEntry>(StringComparer.Ordinal);
            var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach ((ExceptionEntry entry, SpecLine line, _, _) in entries)
            {
                byName[entry.Name] = entry;
                lineOf[entry.Name] = line.Number;
            }

            foreach ((ExceptionEntry entry, SpecLine line, Field baseField, List<Field> propertyFields) in entries)
            {
                if (!entry.BaseIsInSpec)
                {
                    continue;
                }

                if (!byName.ContainsKey(entry.BaseType))
                {
                    if (!names.ContainsKey(entry.BaseType))
                    {
                        Report(DiagnosticDescriptors.UndefinedReference, line, baseField.Column, baseField.Text.Length, entry.BaseType, " (a base class outside this file needs its namespace, such as System.Exception)");
                    }

                    continue;
                }

                // Walk up the in-file bases; a chain longer than the number of classes must revisit one.
                var path = new List<string> { entry.Name };
                string current = entry.BaseType;
                for (int step = 0; step <= byName.Count && byName.TryGetValue(current, out ExceptionEntry? parent); step++)
                {
                    path.Add(current);
                    if (current == entry.Name)
                    {
                        Report(DiagnosticDescriptors.InheritanceCycle, line, baseField.Column, baseField.Text.Length, entry.Name, string.Join(" -> ", path));
                        break;
                    }

                    // A property an ancestor already declares would hide it (CS0108).
                    for (int i = 0; i < entry.Properties.Count; i++)
                    {
                        if (parent.Properties.Any(p => p.Name == entry.Properties[i].Name))
                        {
                            Field at = propertyFields[i];
                            Report(DiagnosticDescriptors.DuplicateName, line, at.Column, at.Text.Length, at.Text, (lineOf[parent.Name] + 1).ToString(CultureInfo.InvariantCulture));
                        }
                    }

                    if (!parent.BaseIsInSpec)
                    {
                        break;
                    }

                    current = parent.BaseType;
                }
            }

            var result = new List<ExceptionEntry>();
            foreach ((ExceptionEntry entry, _, _, _) in entries)
            {
                result.Add(entry);
            }

            return new ExceptionTable(result.ToEquatableArray());
        }

        private bool ParseProperties(SpecLine line, Field field, string className, List<ExceptionProperty> properties, List<Field> propertyFields)
        {
            var propertyNames = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (Field part in SplitTopLevel(field, ','))
            {
                if (part.Text.Length == 0)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, part.Column, 0, "Expected a property 'Type Name' or 'Type Name = default'");
                    return false;
                }

                Field declaration = part;
                string? defaultValue = null;
                int equals = part.Text.IndexOf('=');
                if (equals >= 0)
                {
                    declaration = Sub(part, 0, equals);
                    Field defaultField = Sub(part, equals + 1, part.Text.Length - equals - 1);
                    ExpressionSyntax expression = SyntaxFactory.ParseExpression(defaultField.Text);
                    bool isConstant = expression is LiteralExpressionSyntax
                        || (expression is PrefixUnaryExpressionSyntax unary && unary.Operand is LiteralExpressionSyntax && unary.IsKind(SyntaxKind.UnaryMinusExpression));
                    if (defaultField.Text.Length == 0 || expression.ContainsDiagnostics || !isConstant || expression.FullSpan.Length != defaultField.Text.Length)
                    {
                        Report(DiagnosticDescriptors.LineDoesNotParse, line, defaultField.Column, defaultField.Text.Length, $"'{defaultField.Text}' is not a C# literal for a default value");
                        return false;
                    }

                    defaultValue = defaultField.Text;
                }

                int space = LastWhitespace(declaration.Text);
                if (space < 0)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, declaration.Column, declaration.Text.Length, $"Expected 'Type Name' but found '{declaration.Text}'");
                    return false;
                }

                Field typeField = Sub(declaration, 0, space);
                Field nameField = Sub(declaration, space + 1, declaration.Text.Length - space - 1);
                TypeSyntax type = SyntaxFactory.ParseTypeName(typeField.Text);
                if (type.ContainsDiagnostics || type.FullSpan.Length != typeField.Text.Length)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, typeField.Column, typeField.Text.Length, $"'{typeField.Text}' is not a C# type");
                    return false;
                }

                if (!IsIdentifier(nameField.Text))
                {
                    Report(DiagnosticDescriptors.NotAnIdentifier, line, nameField.Column, nameField.Text.Length, nameField.Text, string.Empty);
                    return false;
                }

                if (ExceptionMemberNames.Contains(nameField.Text) || nameField.Text == className)
                {
                    Report(DiagnosticDescriptors.ReservedName, line, nameField.Column, nameField.Text.Length, nameField.Text, nameField.Text == className ? "the class's own name" : "a member every exception inherits from System.Exception");
                    return false;
                }

                if (CheckDuplicate(propertyNames, nameField.Text, line, nameField))
                {
                    return false;
                }

                properties.Add(new ExceptionProperty(typeField.Text, nameField.Text, ParameterName(nameField.Text), defaultValue, EmptyValue(type)));
                propertyFields.Add(nameField);
            }

            return true;
        }

        /// <summary>
        /// Turns a message template into the body of a C# interpolated string: quotes and backslashes escaped,
        /// <c>{Property}</c> renamed to the constructor parameter, <c>{{</c> and <c>}}</c> kept as literal braces.
        /// Returns null (after reporting) when the template would not compile.
        /// </summary>
        private string? ConvertTemplate(SpecLine line, Field template, string className, List<ExceptionProperty> properties, out bool hasHoles)
        {
            hasHoles = false;
            if (!CheckText(line, template, "The message template"))
            {
                return null;
            }

            string text = template.Text;
            var builder = new StringBuilder();
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                switch (c)
                {
                    case '{' when i + 1 < text.Length && text[i + 1] == '{':
                        builder.Append("{{");
                        i++;
                        break;
                    case '}' when i + 1 < text.Length && text[i + 1] == '}':
                        builder.Append("}}");
                        i++;
                        break;
                    case '{':
                        int close = text.IndexOf('}', i + 1);
                        if (close < 0)
                        {
                            Report(DiagnosticDescriptors.TextCannotBeEmitted, line, template.Column + i, 1, "Unclosed '{' in the message template (write '{{' for a literal brace)");
                            return null;
                        }

                        string hole = text.Substring(i + 1, close - i - 1);
                        ExceptionProperty? property = properties.Find(p => p.Name == hole);
                        if (property is null)
                        {
                            Report(DiagnosticDescriptors.TextCannotBeEmitted, line, template.Column + i, close - i + 1, $"'{{{hole}}}' in the message template is not a property of {className}");
                            return null;
                        }

                        builder.Append('{').Append(property.ParameterName).Append('}');
                        hasHoles = true;
                        i = close;
                        break;
                    case '}':
                        Report(DiagnosticDescriptors.TextCannotBeEmitted, line, template.Column + i, 1, "Unmatched '}' in the message template (write '}}' for a literal brace)");
                        return null;
                    case '"':
                        builder.Append("\\\"");
                        break;
                    case '\\':
                        builder.Append("\\\\");
                        break;
                    default:
                        builder.Append(c);
                        break;
                }
            }

            return builder.ToString();
        }

        /// <summary>The value a property gets when a subclass or a message constructor does not supply it.</summary>
        private static string EmptyValue(TypeSyntax type)
        {
            switch (type)
            {
                case NullableTypeSyntax:
                    return string.Empty;
                case ArrayTypeSyntax array when array.RankSpecifiers.Count == 1 && array.RankSpecifiers[0].Rank == 1:
                    return $"System.Array.Empty<{array.ElementType}>()";
                case PredefinedTypeSyntax predefined when predefined.Keyword.IsKind(SyntaxKind.StringKeyword):
                    return "string.Empty";
                case PredefinedTypeSyntax predefined when !predefined.Keyword.IsKind(SyntaxKind.ObjectKeyword):
                    return string.Empty;
                default:
                    return "default!";
            }
        }

        // ---------------------------------------------------------------- headers.spec

        private HeaderTable ParseHeaders()
        {
            var entries = new List<HeaderEntry>();
            var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var identifiers = new Dictionary<string, int>(StringComparer.Ordinal);

            foreach (SpecLine line in Lines())
            {
                List<Field> fields = SplitFields(line.Text, '|');
                if (TryNamespaceDirective(line, fields, SplitWords(fields[0])))
                {
                    continue;
                }

                if (fields.Count > 2)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, SeparatorColumn(line.Text, '|', 2), 1, "Expected '<Header-Name>' or '<Header-Name> | <reference>'");
                    continue;
                }

                Field name = fields[0];
                if (name.Text.Length == 0)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, name.Column, 0, "The header name is missing");
                    continue;
                }

                int bad = FirstNonTokenChar(name.Text);
                if (bad >= 0)
                {
                    char c = name.Text[bad];
                    string shown = c > ' ' && c < 0x7f ? $"'{c}'" : $"U+{(int)c:X4}";
                    Report(DiagnosticDescriptors.NotAToken, line, name.Column + bad, 1, name.Text, shown);
                    continue;
                }

                string identifier = HeaderIdentifier(name.Text);
                if (!IsIdentifier(identifier))
                {
                    Report(DiagnosticDescriptors.NotAnIdentifier, line, name.Column, name.Text.Length, identifier, $" (derived from the header name '{name.Text}')");
                    continue;
                }

                if (identifier == "HeaderNames" || identifier == "TryGetKnown")
                {
                    Report(DiagnosticDescriptors.ReservedName, line, name.Column, name.Text.Length, identifier, "a generated name in HeaderNames");
                    continue;
                }

                bool ok = !CheckDuplicate(names, name.Text, line, name);
                ok = ok && !CheckDuplicate(identifiers, identifier, line, name);
                string reference = string.Empty;
                if (fields.Count > 1)
                {
                    ok &= CheckText(line, fields[1], "The reference");
                    reference = fields[1].Text;
                }

                if (ok)
                {
                    entries.Add(new HeaderEntry(name.Text, identifier, reference));
                }
            }

            return new HeaderTable(entries.ToEquatableArray());
        }

        /// <summary>Index of the first character that is not an RFC 9110 tchar, or -1.</summary>
        internal static int FirstNonTokenChar(string name)
        {
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                bool tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".IndexOf(c) >= 0;
                if (!tchar)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Content-Type -> ContentType, WWW-Authenticate -> WWWAuthenticate, x-foo.bar -> XFooBar.</summary>
        internal static string HeaderIdentifier(string name)
        {
            var builder = new StringBuilder(name.Length);
            bool startOfPart = true;
            foreach (char c in name)
            {
                if (!char.IsLetterOrDigit(c))
                {
                    startOfPart = true;
                    continue;
                }

                builder.Append(startOfPart ? char.ToUpperInvariant(c) : c);
                startOfPart = false;
            }

            return builder.ToString();
        }

        // ---------------------------------------------------------------- shared helpers

        private readonly struct SpecLine
        {
            public SpecLine(int number, int start, string text)
            {
                Number = number;
                Start = start;
                Text = text;
            }

            /// <summary>Zero-based line number.</summary>
            public int Number { get; }

            /// <summary>Offset of the line's first character in the file.</summary>
            public int Start { get; }

            public string Text { get; }
        }

        /// <summary>A piece of a line, trimmed, with the column of its first character.</summary>
        private readonly struct Field
        {
            public Field(string text, int column)
            {
                Text = text;
                Column = column;
            }

            public string Text { get; }

            public int Column { get; }
        }

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

        /// <summary>Column of the n-th (1-based) separator on the line.</summary>
        private static int SeparatorColumn(string line, char separator, int n)
        {
            int column = -1;
            for (int i = 0; i < n; i++)
            {
                column = line.IndexOf(separator, column + 1);
            }

            return column;
        }

        private static List<Field> SplitFields(string line, char separator)
        {
            var fields = new List<Field>();
            int start = 0;
            while (true)
            {
                int end = line.IndexOf(separator, start);
                int length = (end < 0 ? line.Length : end) - start;
                fields.Add(Sub(new Field(line, 0), start, length));
                if (end < 0)
                {
                    return fields;
                }

                start = end + 1;
            }
        }

        /// <summary>Splits on a separator outside angle brackets (so <c>Dictionary&lt;int, string&gt; Map</c> stays whole).</summary>
        private static List<Field> SplitTopLevel(Field field, char separator)
        {
            var parts = new List<Field>();
            int depth = 0;
            int start = 0;
            string text = field.Text;
            for (int i = 0; i <= text.Length; i++)
            {
                char c = i < text.Length ? text[i] : separator;
                depth += c == '<' ? 1 : c == '>' ? -1 : 0;
                if (c == separator && (depth == 0 || i == text.Length))
                {
                    parts.Add(Sub(field, start, i - start));
                    start = i + 1;
                }
            }

            return parts;
        }

        private static List<Field> SplitWords(Field field)
        {
            var words = new List<Field>();
            string text = field.Text;
            int i = 0;
            while (i < text.Length)
            {
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                int start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                if (i > start)
                {
                    words.Add(new Field(text.Substring(start, i - start), field.Column + start));
                }
            }

            return words;
        }

        /// <summary>The trimmed piece [start, start+length) of a field, keeping its column.</summary>
        private static Field Sub(Field field, int start, int length)
        {
            string piece = field.Text.Substring(start, length);
            int leading = 0;
            while (leading < piece.Length && char.IsWhiteSpace(piece[leading]))
            {
                leading++;
            }

            return new Field(piece.Trim(), field.Column + start + leading);
        }

        private static int LastWhitespace(string text)
        {
            for (int i = text.Length - 1; i >= 0; i--)
            {
                if (char.IsWhiteSpace(text[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        internal static bool IsIdentifier(string name)
            => SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None;

        private static bool IsQualifiedName(string name)
        {
            foreach (string part in name.Split('.'))
            {
                if (!IsIdentifier(part))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>NOT_FOUND -> NotFound, IM_A_TEAPOT -> ImATeapot.</summary>
        internal static string PascalCase(string pythonName)
        {
            var builder = new StringBuilder(pythonName.Length);
            foreach (string part in pythonName.Split('_'))
            {
                if (part.Length == 0)
                {
                    continue;
                }

                builder.Append(char.ToUpperInvariant(part[0]));
                builder.Append(part.Substring(1).ToLowerInvariant());
            }

            return builder.ToString();
        }

        /// <summary>Property Partial -> parameter partial; a keyword gets '@'.</summary>
        private static string ParameterName(string propertyName)
        {
            string name = char.ToLowerInvariant(propertyName[0]) + propertyName.Substring(1);
            return SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;
        }

        private static string FileName(string path)
        {
            int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            return path.Substring(slash + 1);
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
