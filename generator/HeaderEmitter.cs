using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Http.Client.Generator
{
    /// <summary>
    /// Emits HeaderNames: a const per name and TryGetKnown, a case-insensitive lookup from a name's bytes to the
    /// interned constant. TryGetKnown switches on the length, then compares the candidates of that length a word at
    /// a time (8, 4, 2, then 1 bytes, read little-endian), OR-ing 0x20 into the letter positions so 'A' and 'a'
    /// compare equal while non-letters compare exactly; no allocation, no hashing.
    /// </summary>
    internal static class HeaderEmitter
    {
        public static IEnumerable<GeneratedSource> Emit(string ns, string stem, HeaderTable table)
        {
            SourceWriter w = new SourceWriter().Header();
            w.Open($"namespace {ns}");
            w.Line("/// <summary>Well-known HTTP header field names in their canonical spelling.</summary>");
            w.Open("public static partial class HeaderNames");
            foreach (HeaderEntry entry in table.Entries)
            {
                string reference = entry.Reference.Length > 0 ? $" ({SourceWriter.Xml(entry.Reference)})" : string.Empty;
                w.Line($"/// <summary>The <c>{SourceWriter.Xml(entry.Name)}</c> header field{reference}.</summary>");
                w.Line($"public const string {entry.Identifier} = {SourceWriter.Literal(entry.Name)};");
                w.Line();
            }

            w.Line("/// <summary>");
            w.Line("/// Finds the well-known header name spelled by <paramref name=\"name\"/> in any ASCII letter case and returns its");
            w.Line("/// canonical constant, so the response parser can keep one interned string per known name. Allocation-free.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"name\">The header name's bytes as received.</param>");
            w.Line("/// <param name=\"knownName\">The canonical constant when found; otherwise null.</param>");
            w.Line("/// <returns>True when the name is one of this class's constants.</returns>");
            w.Open("public static bool TryGetKnown(System.ReadOnlySpan<byte> name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? knownName)");
            w.Open("switch (name.Length)");
            foreach (IGrouping<int, HeaderEntry> group in table.Entries.GroupBy(e => e.Name.Length).OrderBy(g => g.Key))
            {
                w.Line($"case {group.Key.ToString(CultureInfo.InvariantCulture)}:");
                foreach (HeaderEntry entry in group)
                {
                    w.Line($"    if ({Comparison(entry.Name)})");
                    w.Line("    {");
                    w.Line($"        knownName = {entry.Identifier};");
                    w.Line("        return true;");
                    w.Line("    }");
                }

                w.Line();
                w.Line("    break;");
            }

            w.Close();
            w.Line();
            w.Line("knownName = null;");
            w.Line("return false;");
            w.Close();
            w.Close();
            w.Close();
            yield return new GeneratedSource(stem + ".HeaderNames.g.cs", w.ToString());
        }

        /// <summary>The boolean expression that matches <paramref name="name"/> case-insensitively.</summary>
        private static string Comparison(string name)
        {
            var parts = new List<string>();
            int offset = 0;
            while (offset < name.Length)
            {
                int size = name.Length - offset >= 8 ? 8 : name.Length - offset >= 4 ? 4 : name.Length - offset >= 2 ? 2 : 1;
                ulong value = 0;
                ulong mask = 0;
                for (int i = size - 1; i >= 0; i--)
                {
                    char c = name[offset + i];
                    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                    value = (value << 8) | (byte)(letter ? (c | 0x20) : c);
                    mask = (mask << 8) | (letter ? 0x20UL : 0UL);
                }

                string slice = offset == 0 ? "name" : $"name.Slice({offset.ToString(CultureInfo.InvariantCulture)})";
                string read;
                string suffix;
                string digits = "X" + (size * 2).ToString(CultureInfo.InvariantCulture);
                switch (size)
                {
                    case 8:
                        read = $"System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian({slice})";
                        suffix = "UL";
                        break;
                    case 4:
                        read = $"System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian({slice})";
                        suffix = "U";
                        break;
                    case 2:
                        read = $"System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian({slice})";
                        suffix = string.Empty;
                        break;
                    default:
                        read = $"name[{offset.ToString(CultureInfo.InvariantCulture)}]";
                        suffix = string.Empty;
                        break;
                }

                string maskText = "0x" + mask.ToString(digits, CultureInfo.InvariantCulture) + suffix;
                string valueText = "0x" + value.ToString(digits, CultureInfo.InvariantCulture) + suffix;
                parts.Add(mask == 0 ? $"{read} == {valueText}" : $"({read} | {maskText}) == {valueText}");
                offset += size;
            }

            var builder = new StringBuilder();
            for (int i = 0; i < parts.Count; i++)
            {
                builder.Append(i == 0 ? string.Empty : " && ").Append(parts[i]);
            }

            return builder.ToString();
        }
    }
}
