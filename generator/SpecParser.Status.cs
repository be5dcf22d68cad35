using System;
using System.Collections.Generic;
using System.Globalization;
using static Http.Client.Generator.SpecText;

namespace Http.Client.Generator
{
    internal sealed partial class SpecParser
    {
        // The status table: "<value> <NAME> [as <CSharpName>] | <phrase> | <description>" and "alias <value> <NAME> [as <CSharpName>]".

        /// <summary>Names a status may not take: the generated types that hold them, and the enum's hidden field.</summary>
        private static readonly HashSet<string> StatusReservedNames = new HashSet<string>(StringComparer.Ordinal)
        {
            "HttpStatus", "StatusCodes", "value__",
        };


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

    }
}
