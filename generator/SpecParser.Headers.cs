using System;
using System.Collections.Generic;
using System.Text;
using static Http.Client.Generator.SpecText;

namespace Http.Client.Generator
{
    internal sealed partial class SpecParser
    {
        // Header names: "<Header-Name>" or "<Header-Name> | <reference>".


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
    }
}
