using System;
using System.Collections.Generic;
using System.Text;
using static Http.Client.Generator.SpecText;

namespace Http.Client.Generator
{
    internal sealed partial class SpecParser
    {
        // Header names: "<Header-Name>" or "<Header-Name> | <reference>", and "override <Header-Name> [| <reference>]".

        /// <summary>
        /// Parses the file's lines. When the project extends the library's table, the table starts as the library's
        /// names; a line adds a name, restates a shipped one in its spelling, or, marked <c>override</c>, respells one
        /// in place. Another spelling of a shipped name without <c>override</c>, or a constant name the library uses
        /// for another header, is HTTPGEN012 at the line.
        /// </summary>
        private HeaderTable ParseHeaders()
        {
            var entries = new List<HeaderEntry>();
            var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var identifiers = new Dictionary<string, int>(StringComparer.Ordinal);
            var shippedIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var shippedIdentifiers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (HeaderEntry entry in _library.Headers?.Entries ?? default)
            {
                shippedIndex[entry.Name] = entries.Count;
                shippedIdentifiers[entry.Identifier] = entry.Name;
                entries.Add(entry);
            }

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
                List<Field> words = SplitWords(name);
                bool isOverride = words.Count == 2 && words[0].Text == "override";
                if (isOverride)
                {
                    name = words[1];
                }

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

                if (!ok)
                {
                    continue;
                }

                var row = new HeaderEntry(name.Text, identifier, reference);
                if (shippedIndex.TryGetValue(name.Text, out int index))
                {
                    string shipped = entries[index].Name;
                    if (!isOverride && shipped != name.Text)
                    {
                        Report(
                            DiagnosticDescriptors.RedefinesLibraryEntry,
                            line,
                            name.Column,
                            name.Text.Length,
                            $"'{name.Text}' is the library's header '{shipped}' in another letter case; write 'override {name.Text}' to respell it in this table deliberately");
                        continue;
                    }

                    entries[index] = row;
                }
                else if (shippedIdentifiers.TryGetValue(identifier, out string? owner))
                {
                    Report(DiagnosticDescriptors.RedefinesLibraryEntry, line, name.Column, name.Text.Length, $"The constant name {identifier} is the library's header '{owner}'; '{name.Text}' needs a name of its own");
                }
                else if (isOverride)
                {
                    Report(DiagnosticDescriptors.NothingToOverride, line, words[0].Column, words[0].Text.Length, NothingToOverrideMessage($"header '{name.Text}'", _library.Headers is not null));
                }
                else
                {
                    entries.Add(row);
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
    }
}
