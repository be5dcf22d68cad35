using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Http.Client.Generator.SpecText;

namespace Http.Client.Generator
{
    internal sealed partial class SpecParser
    {
        // The exception hierarchy: "<Name> : <Base> | <properties> | <message> | <summary>".

        /// <summary>Public and protected members of System.Exception (and object): a property with one of these names would hide it.</summary>
        private static readonly HashSet<string> ExceptionMemberNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "Data", "HelpLink", "HResult", "InnerException", "Message", "Source", "StackTrace", "TargetSite", "SerializeObjectState",
            "GetBaseException", "GetObjectData", "GetType", "ToString", "Equals", "GetHashCode", "MemberwiseClone", "Finalize",
            "ReferenceEquals", "FormatMessage",
        };

        private const string ExceptionLineFormat = "'<Name> : <Base> | <properties> | <message> | <summary>'";

        /// <summary>A class line that parsed, with the fields the hierarchy check points its diagnostics at.</summary>
        private readonly struct ParsedException
        {
            public ParsedException(ExceptionEntry entry, SpecLine line, Field baseField, List<Field> propertyFields)
            {
                Entry = entry;
                Line = line;
                BaseField = baseField;
                PropertyFields = propertyFields;
            }

            public ExceptionEntry Entry { get; }

            public SpecLine Line { get; }

            public Field BaseField { get; }

            public List<Field> PropertyFields { get; }
        }

        /// <summary>Step 1 parses each class line on its own; step 2 checks the hierarchy the lines form together.</summary>
        private ExceptionTable ParseExceptions()
        {
            var parsed = new List<ParsedException>();
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (SpecLine line in Lines())
            {
                List<Field> fields = SplitFields(line.Text, '|');
                if (TryNamespaceDirective(line, fields, SplitWords(fields[0])))
                {
                    continue;
                }

                if (ParseExceptionLine(line, fields, names) is ParsedException exception)
                {
                    parsed.Add(exception);
                }
            }

            CheckExceptionHierarchy(parsed, names);
            return new ExceptionTable(parsed.Select(p => p.Entry).ToEquatableArray());
        }

        /// <summary>
        /// One class line. <paramref name="names"/> collects every class name seen, even on lines with errors, so a
        /// base defined on a faulty line is not reported again as undefined. Null when the line has an error.
        /// </summary>
        private ParsedException? ParseExceptionLine(SpecLine line, List<Field> fields, Dictionary<string, int> names)
        {
            if (fields.Count > 4)
            {
                Report(DiagnosticDescriptors.LineDoesNotParse, line, SeparatorColumn(line.Text, '|', 4), 1, "Too many fields; expected " + ExceptionLineFormat);
                return null;
            }

            Field head = fields[0];
            int colon = head.Text.IndexOf(':');
            if (colon < 0)
            {
                Report(DiagnosticDescriptors.LineDoesNotParse, line, head.Column, head.Text.Length, "Expected " + ExceptionLineFormat);
                return null;
            }

            Field nameField = Sub(head, 0, colon);
            Field baseField = Sub(head, colon + 1, head.Text.Length - colon - 1);
            if (nameField.Text.Length == 0 || baseField.Text.Length == 0)
            {
                Field at = nameField.Text.Length == 0 ? nameField : baseField;
                Report(DiagnosticDescriptors.LineDoesNotParse, line, at.Column, 0, (nameField.Text.Length == 0 ? "The class name is missing" : "The base class is missing") + "; expected " + ExceptionLineFormat);
                return null;
            }

            if (!IsIdentifier(nameField.Text))
            {
                Report(DiagnosticDescriptors.NotAnIdentifier, line, nameField.Column, nameField.Text.Length, nameField.Text, string.Empty);
                return null;
            }

            if (!IsQualifiedName(baseField.Text))
            {
                Report(DiagnosticDescriptors.NotAnIdentifier, line, baseField.Column, baseField.Text.Length, baseField.Text, " (a base class is a name or a dotted namespace-qualified name)");
                return null;
            }

            bool ok = !CheckDuplicate(names, nameField.Text, line, nameField);

            var properties = new List<ExceptionProperty>();
            var propertyFields = new List<Field>();
            if (fields.Count > 1 && fields[1].Text.Length > 0 && !ParseProperties(line, fields[1], nameField.Text, properties, propertyFields))
            {
                return null;
            }

            if (!ParseMessage(line, fields, nameField.Text, properties, ref ok, out MessageKind messageKind, out string? template, out bool templateHasHoles))
            {
                return null;
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

            if (!ok)
            {
                return null;
            }

            bool baseIsInSpec = baseField.Text.IndexOf('.') < 0;
            var entry = new ExceptionEntry(nameField.Text, baseField.Text, baseIsInSpec, properties.ToEquatableArray(), messageKind, template, templateHasHoles, summary);
            return new ParsedException(entry, line, baseField, propertyFields);
        }

        /// <summary>
        /// The message field: empty (the caller's message), "template", or custom; it must agree with whether the class
        /// has properties. False when the line cannot be used; <paramref name="ok"/> turns false for a faulty template.
        /// </summary>
        private bool ParseMessage(SpecLine line, List<Field> fields, string className, List<ExceptionProperty> properties, ref bool ok, out MessageKind kind, out string? template, out bool hasHoles)
        {
            kind = MessageKind.Caller;
            template = null;
            hasHoles = false;
            if (fields.Count > 2 && fields[2].Text.Length > 0)
            {
                Field message = fields[2];
                if (message.Text == "custom")
                {
                    kind = MessageKind.Custom;
                }
                else if (message.Text.Length >= 2 && message.Text[0] == '"' && message.Text[message.Text.Length - 1] == '"')
                {
                    kind = MessageKind.Template;
                    template = ConvertTemplate(line, Sub(message, 1, message.Text.Length - 2), className, properties, out hasHoles);
                    ok &= template is not null;
                }
                else
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, message.Column, message.Text.Length, "The message field is empty (the caller passes a message), \"a template with {Property} holes\", or custom");
                    return false;
                }

                if (ok && properties.Count == 0)
                {
                    Report(DiagnosticDescriptors.LineDoesNotParse, line, message.Column, message.Text.Length, "A class without properties takes its message from the caller; leave the message field empty");
                    return false;
                }
            }

            if (ok && properties.Count > 0 && kind == MessageKind.Caller)
            {
                int column = fields.Count > 2 ? fields[2].Column : line.Text.Length;
                Report(DiagnosticDescriptors.LineDoesNotParse, line, column, 0, "A class with properties needs a message: \"a template with {Property} holes\" or custom");
                return false;
            }

            return true;
        }

        /// <summary>
        /// Across lines: every in-file base is defined, no class is its own ancestor, and no property hides one an
        /// ancestor declares (CS0108).
        /// </summary>
        private void CheckExceptionHierarchy(List<ParsedException> parsed, Dictionary<string, int> names)
        {
            var byName = new Dictionary<string, ExceptionEntry>(StringComparer.Ordinal);
            var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (ParsedException p in parsed)
            {
                byName[p.Entry.Name] = p.Entry;
                lineOf[p.Entry.Name] = p.Line.Number;
            }

            foreach (ParsedException p in parsed)
            {
                ExceptionEntry entry = p.Entry;
                if (!entry.BaseIsInSpec)
                {
                    continue;
                }

                if (!byName.ContainsKey(entry.BaseType))
                {
                    if (!names.ContainsKey(entry.BaseType))
                    {
                        Report(DiagnosticDescriptors.UndefinedReference, p.Line, p.BaseField.Column, p.BaseField.Text.Length, entry.BaseType, " (a base class outside this file needs its namespace, such as System.Exception)");
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
                        Report(DiagnosticDescriptors.InheritanceCycle, p.Line, p.BaseField.Column, p.BaseField.Text.Length, entry.Name, string.Join(" -> ", path));
                        break;
                    }

                    for (int i = 0; i < entry.Properties.Count; i++)
                    {
                        if (parent.Properties.Any(existing => existing.Name == entry.Properties[i].Name))
                        {
                            Field at = p.PropertyFields[i];
                            Report(DiagnosticDescriptors.DuplicateName, p.Line, at.Column, at.Text.Length, at.Text, (lineOf[parent.Name] + 1).ToString(CultureInfo.InvariantCulture));
                        }
                    }

                    if (!parent.BaseIsInSpec)
                    {
                        break;
                    }

                    current = parent.BaseType;
                }
            }
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
    }
}
