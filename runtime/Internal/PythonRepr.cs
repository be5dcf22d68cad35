using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Http.Client.Internal
{
    /// <summary>
    /// Reproduces Python's <c>repr()</c> of <c>str</c> and <c>bytes</c>. CPython embeds these reprs in error
    /// messages ("Invalid header name b' X'") and in debug output ("send: b'GET / ...'"), and the port keeps
    /// those texts exactly (behavior.md B.4).
    /// </summary>
    internal static class PythonRepr
    {
        private const string HexDigits = "0123456789abcdef";

        /// <summary>Python <c>repr(bytes)</c>: <c>b'...'</c>, bytes 0x80 and up as <c>\xNN</c>.</summary>
        public static string Bytes(ReadOnlySpan<byte> value)
        {
            var builder = new StringBuilder(value.Length + 3);
            AppendBytes(builder, value);
            return builder.ToString();
        }

        /// <summary>
        /// Appends Python <c>repr(bytes)</c> of the concatenation of up to three spans (a frame written in pieces is shown
        /// as the one byte string CPython sends, without joining the pieces first).
        /// </summary>
        public static void AppendBytes(StringBuilder builder, ReadOnlySpan<byte> value, ReadOnlySpan<byte> more = default, ReadOnlySpan<byte> rest = default)
        {
            bool hasSingle = value.Contains((byte)'\'') || more.Contains((byte)'\'') || rest.Contains((byte)'\'');
            bool hasDouble = value.Contains((byte)'"') || more.Contains((byte)'"') || rest.Contains((byte)'"');
            char quote = ChooseQuote(hasSingle, hasDouble);
            builder.Append('b').Append(quote);
            AppendEscaped(builder, value, quote);
            AppendEscaped(builder, more, quote);
            AppendEscaped(builder, rest, quote);
            builder.Append(quote);
        }

        private static void AppendEscaped(StringBuilder builder, ReadOnlySpan<byte> value, char quote)
        {
            foreach (byte b in value)
            {
                switch (b)
                {
                    case (byte)'\\': builder.Append("\\\\"); break;
                    case (byte)'\n': builder.Append("\\n"); break;
                    case (byte)'\r': builder.Append("\\r"); break;
                    case (byte)'\t': builder.Append("\\t"); break;
                    default:
                        if (b == quote)
                        {
                            builder.Append('\\').Append(quote);
                        }
                        else if (b < 0x20 || b >= 0x7f)
                        {
                            builder.Append("\\x").Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xf]);
                        }
                        else
                        {
                            builder.Append((char)b);
                        }
                        break;
                }
            }
        }

        /// <summary>Python <c>repr(str)</c>: printable characters kept, others escaped as Python does.</summary>
        public static string String(string value)
        {
            var builder = new StringBuilder(value.Length + 2);
            char quote = ChooseQuote(value.Contains('\''), value.Contains('"'));
            builder.Append(quote);
            int index = 0;
            while (index < value.Length)
            {
                char c = value[index];
                switch (c)
                {
                    case '\\': builder.Append("\\\\"); index++; continue;
                    case '\n': builder.Append("\\n"); index++; continue;
                    case '\r': builder.Append("\\r"); index++; continue;
                    case '\t': builder.Append("\\t"); index++; continue;
                }
                if (c == quote)
                {
                    builder.Append('\\').Append(quote);
                    index++;
                    continue;
                }
                if (c < 0x7f && c >= 0x20)
                {
                    builder.Append(c);
                    index++;
                    continue;
                }
                if (Rune.DecodeFromUtf16(value.AsSpan(index), out Rune rune, out int consumed) != OperationStatus.Done)
                {
                    // A lone surrogate: Python shows it as \udXXX.
                    AppendEscape(builder, c);
                    index++;
                    continue;
                }
                if (IsPrintable(rune))
                {
                    builder.Append(value, index, consumed);
                }
                else
                {
                    AppendEscape(builder, rune.Value);
                }
                index += consumed;
            }
            builder.Append(quote);
            return builder.ToString();
        }

        /// <summary>Python's repr of a list of byte strings: <c>[b'a', b'b']</c>.</summary>
        public static string BytesList(IReadOnlyList<byte[]> items)
        {
            var builder = new StringBuilder();
            builder.Append('[');
            for (int i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(", ");
                }
                AppendBytes(builder, items[i]);
            }
            builder.Append(']');
            return builder.ToString();
        }

        /// <summary>
        /// How Python's codec errors name a character: always escaped, <c>'\xe9'</c>, <c>'\u0101'</c> or
        /// <c>'\U0001f600'</c> (a surrogate pair counts as one code point).
        /// </summary>
        public static string CodecCharacter(string text, int index)
        {
            int codePoint = text[index];
            if (char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                codePoint = char.ConvertToUtf32(text[index], text[index + 1]);
            }
            var builder = new StringBuilder(12);
            builder.Append('\'');
            AppendEscape(builder, codePoint);
            return builder.Append('\'').ToString();
        }

        private static char ChooseQuote(bool hasSingle, bool hasDouble) => hasSingle && !hasDouble ? '"' : '\'';

        private static void AppendEscape(StringBuilder builder, int codePoint)
        {
            if (codePoint <= 0xff)
            {
                builder.Append("\\x").Append(codePoint.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (codePoint <= 0xffff)
            {
                builder.Append("\\u").Append(codePoint.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("\\U").Append(codePoint.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        // Python's str.isprintable(): everything except the "Other" and "Separator" categories, space excepted.
        private static bool IsPrintable(Rune rune)
        {
            if (rune.Value == ' ')
            {
                return true;
            }
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.SpaceSeparator:
                    return false;
                default:
                    return true;
            }
        }
    }
}
