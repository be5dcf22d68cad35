using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Http.Client.Generator
{
    /// <summary>One line of a spec file that is neither blank nor a comment.</summary>
    internal readonly struct SpecLine
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
    internal readonly struct Field
    {
        public Field(string text, int column)
        {
            Text = text;
            Column = column;
        }

        public string Text { get; }

        public int Column { get; }
    }

    /// <summary>Splitting spec lines into fields and words (columns kept for diagnostics) and the naming rules the formats share.</summary>
    internal static class SpecText
    {
        /// <summary>Column of the n-th (1-based) separator on the line.</summary>
        internal static int SeparatorColumn(string line, char separator, int n)
        {
            int column = -1;
            for (int i = 0; i < n; i++)
            {
                column = line.IndexOf(separator, column + 1);
            }

            return column;
        }

        internal static List<Field> SplitFields(string line, char separator)
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
        internal static List<Field> SplitTopLevel(Field field, char separator)
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

        internal static List<Field> SplitWords(Field field)
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
        internal static Field Sub(Field field, int start, int length)
        {
            string piece = field.Text.Substring(start, length);
            int leading = 0;
            while (leading < piece.Length && char.IsWhiteSpace(piece[leading]))
            {
                leading++;
            }

            return new Field(piece.Trim(), field.Column + start + leading);
        }

        internal static int LastWhitespace(string text)
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

        internal static bool IsQualifiedName(string name)
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
        internal static string ParameterName(string propertyName)
        {
            string name = char.ToLowerInvariant(propertyName[0]) + propertyName.Substring(1);
            return SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;
        }

        internal static string FileName(string path)
        {
            int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            return path.Substring(slash + 1);
        }
    }
}
