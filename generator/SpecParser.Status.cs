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

        /// <summary>
        /// Parses the file's lines. When the project extends the library's table, the table starts as the library's rows;
        /// a line either adds a code, restates a shipped row (same name and phrase), or, marked <c>override</c>,
        /// redefines one in place. Anything else that touches a shipped code or name is HTTPGEN012 at the line.
        /// </summary>
        private StatusTable ParseStatus()
        {
            var entries = new List<StatusEntry>();
            var aliases = new List<(StatusAlias Alias, Field ValueField, int Line)>();
            var valueLines = new Dictionary<int, int>();
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            StatusTable? library = _library.Status;
            var shippedIndex = new Dictionary<int, int>();
            var shippedNames = new Dictionary<string, int>(StringComparer.Ordinal);
            if (library is not null)
            {
                foreach (StatusEntry entry in library.Entries)
                {
                    shippedIndex[entry.Value] = entries.Count;
                    entries.Add(entry);
                    shippedNames[entry.PythonName] = entry.Value;
                    shippedNames[entry.Name] = entry.Value;
                }

                foreach (StatusAlias alias in library.Aliases)
                {
                    shippedNames[alias.PythonName] = alias.Value;
                    shippedNames[alias.Name] = alias.Value;
                }
            }

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
                bool isOverride = words[0].Text == "override";
                int first = isAlias || isOverride ? 1 : 0;
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

                duplicate = duplicate || !CheckShippedStatusName(shippedNames, line, pythonField, pythonField.Text, value);
                duplicate = duplicate || (name != pythonField.Text && !CheckShippedStatusName(shippedNames, line, nameField, name, value));
                if (isAlias)
                {
                    // An alias the library already gives this code is a restatement: nothing to add.
                    bool shipped = shippedNames.ContainsKey(pythonField.Text) || shippedNames.ContainsKey(name);
                    if (!duplicate && !shipped)
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
                if (!textOk || duplicate)
                {
                    continue;
                }

                var row = new StatusEntry(value, pythonField.Text, name, phrase.Text, description.Text);
                if (shippedIndex.TryGetValue(value, out int index))
                {
                    StatusEntry shipped = entries[index];
                    if (!isOverride && (shipped.Name != name || shipped.Phrase != phrase.Text))
                    {
                        string change = shipped.Name != name ? $"the name {name}" : $"the phrase '{phrase.Text}'";
                        Report(
                            DiagnosticDescriptors.RedefinesLibraryEntry,
                            line,
                            valueField.Column,
                            valueField.Text.Length,
                            $"Status {value} is the library's {shipped.Name} ('{shipped.Phrase}'); this line gives it {change}. Write 'override {line.Text.Trim()}' to redefine it in this table deliberately");
                        continue;
                    }

                    entries[index] = row;
                }
                else if (isOverride)
                {
                    Report(DiagnosticDescriptors.NothingToOverride, line, words[0].Column, words[0].Text.Length, NothingToOverrideMessage("status " + value.ToString(CultureInfo.InvariantCulture), library is not null));
                    continue;
                }
                else
                {
                    entries.Add(row);
                }
            }

            var resolvedAliases = new List<StatusAlias>();
            if (library is not null)
            {
                // The library's aliases follow the rows they name (an override may have renamed one); an alias whose
                // name a row of this file now carries gives way to it.
                foreach (StatusAlias alias in library.Aliases)
                {
                    StatusEntry? target = entries.Find(e => e.Value == alias.Value);
                    if (target is not null && !entries.Exists(e => e.Name == alias.Name || e.PythonName == alias.PythonName))
                    {
                        resolvedAliases.Add(alias with { TargetName = target.Name });
                    }
                }
            }

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

            return new StatusTable(entries.ToEquatableArray(), resolvedAliases.ToEquatableArray(), library is null ? null : _library.StatusNamespace);
        }

        /// <summary>A name the library uses stays with its code: false (after reporting) when this line moves it to another.</summary>
        private bool CheckShippedStatusName(Dictionary<string, int> shippedNames, SpecLine line, Field field, string name, int value)
        {
            if (!shippedNames.TryGetValue(name, out int shippedValue) || shippedValue == value)
            {
                return true;
            }

            Report(
                DiagnosticDescriptors.RedefinesLibraryEntry,
                line,
                field.Column,
                field.Text.Length,
                $"'{name}' is the library's name of status {shippedValue.ToString(CultureInfo.InvariantCulture)}; choose another name for {value.ToString(CultureInfo.InvariantCulture)}");
            return false;
        }

        private static string NothingToOverrideMessage(string what, bool extendsLibrary)
            => extendsLibrary
                ? $"The library's table has no {what} to override; remove 'override' to add it"
                : $"'override' redefines an entry of the library's table, but this project does not extend it (no spec file with HttpClientSpec=\"library\" metadata); remove 'override'";

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
