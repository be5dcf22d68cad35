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
        public static string Bytes(ReadOnlySpan<byte> value) => AppendBytes(new StringBuilder(value.Length + 3), value).ToString();

        /// <summary>
        /// Appends Python <c>repr(bytes)</c> of the concatenation of up to three spans (a frame written in pieces is shown
        /// as the one byte string CPython sends, without joining the pieces first).
        /// </summary>
        public static StringBuilder AppendBytes(StringBuilder builder, ReadOnlySpan<byte> value, ReadOnlySpan<byte> more = default, ReadOnlySpan<byte> rest = default)
        {
            bool hasSingle = value.Contains((byte)'\'') || more.Contains((byte)'\'') || rest.Contains((byte)'\'');
            bool hasDouble = value.Contains((byte)'"') || more.Contains((byte)'"') || rest.Contains((byte)'"');
            char quote = ChooseQuote(hasSingle, hasDouble);
            builder.Append('b').Append(quote);
            AppendEscaped(builder, value, quote);
            AppendEscaped(builder, more, quote);
            AppendEscaped(builder, rest, quote);
            return builder.Append(quote);
        }

        private static void AppendEscaped(StringBuilder builder, ReadOnlySpan<byte> value, char quote)
        {
            foreach (byte b in value)
            {
                if (!TryAppendAscii(builder, b, quote))
                {
                    AppendEscape(builder, b);
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
                if (TryAppendAscii(builder, value[index], quote))
                {
                    index++;
                    continue;
                }
                // A lone surrogate does not decode (one char consumed): Python shows it as \udXXX.
                bool decoded = Rune.DecodeFromUtf16(value.AsSpan(index), out Rune rune, out int consumed) == OperationStatus.Done;
                if (decoded && IsPrintable(rune))
                {
                    builder.Append(value, index, consumed);
                }
                else
                {
                    AppendEscape(builder, decoded ? rune.Value : value[index]);
                }
                index += consumed;
            }
            return builder.Append(quote).ToString();
        }

        /// <summary>Python's repr of a list of byte strings: <c>[b'a', b'b']</c> (a null item shows as <c>b''</c>).</summary>
        public static string BytesList(IReadOnlyList<byte[]> items)
        {
            var builder = new StringBuilder("[");
            for (int i = 0; i < items.Count; i++)
            {
                AppendBytes(i > 0 ? builder.Append(", ") : builder, items[i]);
            }
            return builder.Append(']').ToString();
        }

        /// <summary>
        /// How Python's codec errors name a character: always escaped, <c>'\xe9'</c>, <c>'\u0101'</c> or
        /// <c>'\U0001f600'</c> (a surrogate pair counts as one code point).
        /// </summary>
        public static string CodecCharacter(string text, int index)
        {
            int codePoint = Rune.DecodeFromUtf16(text.AsSpan(index), out Rune rune, out _) == OperationStatus.Done ? rune.Value : text[index];
            var builder = new StringBuilder("'", 12);
            AppendEscape(builder, codePoint);
            return builder.Append('\'').ToString();
        }

        private static char ChooseQuote(bool hasSingle, bool hasDouble) => hasSingle && !hasDouble ? '"' : '\'';

        // The characters str and bytes reprs show alike: printable ASCII as itself, the quote, backslash, \n, \r, \t escaped.
        private static bool TryAppendAscii(StringBuilder builder, int c, char quote)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(quote);
                    }
                    else if (c >= 0x20 && c < 0x7f)
                    {
                        builder.Append((char)c);
                    }
                    else
                    {
                        return false;
                    }
                    break;
            }
            return true;
        }

        // \xNN, \uNNNN or \UNNNNNNNN, the shortest that holds the code point.
        private static void AppendEscape(StringBuilder builder, int codePoint)
        {
            int digits = codePoint <= 0xff ? 2 : codePoint <= 0xffff ? 4 : 8;
            builder.Append(digits == 2 ? "\\x" : digits == 4 ? "\\u" : "\\U");
            for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
            {
                builder.Append(HexDigits[(codePoint >> shift) & 0xf]);
            }
        }

        // Python's str.isprintable(): everything except the "Other" and "Separator" categories, space excepted.
        private static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) is not (
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator);
    }
}
