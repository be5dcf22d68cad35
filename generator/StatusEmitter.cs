using System.Collections.Generic;
using System.Globalization;

namespace Http.Client.Generator
{
    /// <summary>Emits HttpStatus, StatusCodes, ReasonPhrases and HttpStatusExtensions from a status table.</summary>
    internal static class StatusEmitter
    {
        public static IEnumerable<GeneratedSource> Emit(string ns, string stem, StatusTable table)
        {
            yield return new GeneratedSource(stem + ".HttpStatus.g.cs", EmitEnum(ns, table));
            yield return new GeneratedSource(stem + ".StatusCodes.g.cs", EmitStatusCodes(ns, table));
            yield return new GeneratedSource(stem + ".ReasonPhrases.g.cs", EmitReasonPhrases(ns, table));
            yield return new GeneratedSource(stem + ".HttpStatusExtensions.g.cs", EmitExtensions(ns, table));
        }

        private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A blank line between members, none before the first or after the last.</summary>
        private static void Separate(SourceWriter w, ref bool first)
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
        }

        private static void Summary(SourceWriter w, StatusEntry entry)
        {
            w.Line($"/// <summary>{Number(entry.Value)} {SourceWriter.Xml(entry.Phrase)}{(entry.Description.Length > 0 ? ": " + SourceWriter.Xml(entry.Description) : string.Empty)}</summary>");
            w.Line($"/// <remarks>Phrase <c>{SourceWriter.Xml(entry.Phrase)}</c>; Python name <c>{entry.PythonName}</c>.</remarks>");
        }

        private static void AliasSummary(SourceWriter w, StatusAlias alias)
        {
            w.Line($"/// <summary>{Number(alias.Value)}, another name of <see cref=\"{alias.TargetName}\"/> (Python name <c>{alias.PythonName}</c>).</summary>");
        }

        private static string EmitEnum(string ns, StatusTable table)
        {
            SourceWriter w = new SourceWriter().Header();
            w.Open($"namespace {ns}");
            w.Line("/// <summary>");
            w.Line("/// HTTP status codes with their phrases and descriptions (Python's <c>http.HTTPStatus</c>). Aliases share a");
            w.Line("/// value with another member, so <see cref=\"System.Enum.ToString()\"/> of such a value may give either name.");
            w.Line("/// </summary>");
            w.Open("public enum HttpStatus");
            EmitMembers(w, table, "{0} = {1},");
            w.Close();
            w.Close();
            return w.ToString();
        }

        /// <summary>One documented member per status, then per alias; <paramref name="format"/> takes {0} name, {1} value.</summary>
        private static void EmitMembers(SourceWriter w, StatusTable table, string format)
        {
            bool first = true;
            foreach (StatusEntry entry in table.Entries)
            {
                Separate(w, ref first);
                Summary(w, entry);
                w.Line(string.Format(CultureInfo.InvariantCulture, format, entry.Name, Number(entry.Value)));
            }

            foreach (StatusAlias alias in table.Aliases)
            {
                Separate(w, ref first);
                AliasSummary(w, alias);
                w.Line(string.Format(CultureInfo.InvariantCulture, format, alias.Name, Number(alias.Value)));
            }
        }

        private static string EmitStatusCodes(string ns, StatusTable table)
        {
            SourceWriter w = new SourceWriter().Header();
            w.Open($"namespace {ns}");
            w.Line("/// <summary>HTTP status codes as compile-time <see cref=\"int\"/> constants, usable in <c>switch</c> labels and attributes.</summary>");
            w.Open("public static class StatusCodes");
            EmitMembers(w, table, "public const int {0} = {1};");
            w.Close();
            w.Close();
            return w.ToString();
        }

        private static string EmitReasonPhrases(string ns, StatusTable table)
        {
            int min = int.MaxValue;
            int max = int.MinValue;
            foreach (StatusEntry entry in table.Entries)
            {
                min = entry.Value < min ? entry.Value : min;
                max = entry.Value > max ? entry.Value : max;
            }

            if (table.Entries.Count == 0)
            {
                min = SpecParser.MinStatusCode;
                max = SpecParser.MinStatusCode - 1;
            }

            SourceWriter w = new SourceWriter().Header();
            w.Open($"namespace {ns}");
            w.Line("/// <summary>The reason phrase of each status code (Python's <c>http.client.responses</c>).</summary>");
            w.Open("public static partial class ReasonPhrases");
            w.Line($"/// <summary>The lowest status code with a phrase; index 0 of the lookup table.</summary>");
            w.Line($"private const int FirstCode = {Number(min)};");
            w.Line();
            w.Line("// Indexed by status code - FirstCode; null where no status is defined. An array index, not a");
            w.Line("// dictionary probe, because the response parser asks for a phrase per response.");
            w.Line("private static readonly string?[] s_phraseByCode = CreatePhraseTable();");
            w.Line();
            w.Line($"/// <summary>Every status code and its phrase, in the spec's order ({Number(table.Entries.Count)} entries).</summary>");
            w.Line("public static System.Collections.Generic.IReadOnlyDictionary<int, string> All { get; } = CreateAll();");
            w.Line();
            w.Line("/// <summary>Returns the reason phrase of <paramref name=\"statusCode\"/>, or null when no status has that code.</summary>");
            w.Line("/// <param name=\"statusCode\">An HTTP status code, such as 404.</param>");
            w.Line("/// <returns>The phrase, such as <c>Not Found</c>, or null.</returns>");
            w.Open("public static string? Get(int statusCode)");
            w.Line("string?[] table = s_phraseByCode;");
            w.Line("uint index = unchecked((uint)(statusCode - FirstCode));");
            w.Line("return index < (uint)table.Length ? table[index] : null;");
            w.Close();
            w.Line();
            w.Open("private static string?[] CreatePhraseTable()");
            w.Line($"var table = new string?[{Number(max - min + 1)}];");
            foreach (StatusEntry entry in table.Entries)
            {
                w.Line($"table[{Number(entry.Value)} - FirstCode] = {SourceWriter.Literal(entry.Phrase)};");
            }

            w.Line("return table;");
            w.Close();
            w.Line();
            w.Open("private static System.Collections.Generic.IReadOnlyDictionary<int, string> CreateAll()");
            w.Line($"var all = new System.Collections.Generic.Dictionary<int, string>({Number(table.Entries.Count)});");
            foreach (StatusEntry entry in table.Entries)
            {
                w.Line($"all.Add({Number(entry.Value)}, {SourceWriter.Literal(entry.Phrase)});");
            }

            w.Line("return new System.Collections.ObjectModel.ReadOnlyDictionary<int, string>(all);");
            w.Close();
            w.Close();
            w.Close();
            return w.ToString();
        }

        private static string EmitExtensions(string ns, StatusTable table)
        {
            SourceWriter w = new SourceWriter().Header();
            string? library = table.LibraryNamespace is string name && name.Length > 0 && name != ns ? "global::" + name : null;
            if (library is not null)
            {
                // Code in this namespace that does not import the library's (README: Http.HttpStatus.NotFound.Phrase()
                // inside namespace Acme.Api) would find only this class's Phrase(HttpStatus) and fail with CS1929.
                // Importing the library's extension class for the whole compilation makes its methods answer for its
                // enum everywhere; `using static` brings in its extension methods only, no type names to clash with.
                w.Line($"global using static {library}.HttpStatusExtensions;");
                w.Line();
            }

            w.Open($"namespace {ns}");
            w.Line("/// <summary>Phrase, description and class of an <see cref=\"HttpStatus\"/>.</summary>");
            w.Open("public static class HttpStatusExtensions");
            w.Line("/// <summary>The reason phrase, such as <c>Not Found</c> (Python's <c>HTTPStatus.phrase</c>).</summary>");
            w.Line("/// <param name=\"status\">A defined status.</param>");
            w.Line("/// <returns>The phrase.</returns>");
            w.Line("/// <exception cref=\"System.ArgumentOutOfRangeException\"><paramref name=\"status\"/> is not a defined status.</exception>");
            w.Line("public static string Phrase(this HttpStatus status)");
            w.Line("    => ReasonPhrases.Get((int)status) ?? throw new System.ArgumentOutOfRangeException(nameof(status), (int)status, \"Not a defined HTTP status.\");");
            w.Line();
            w.Line("/// <summary>The description, such as <c>Nothing matches the given URI</c>; empty for some statuses (Python's <c>HTTPStatus.description</c>).</summary>");
            w.Line("/// <param name=\"status\">A defined status.</param>");
            w.Line("/// <returns>The description, possibly empty.</returns>");
            w.Line("/// <exception cref=\"System.ArgumentOutOfRangeException\"><paramref name=\"status\"/> is not a defined status.</exception>");
            w.Open("public static string Description(this HttpStatus status)");
            w.Open("switch ((int)status)");
            foreach (StatusEntry entry in table.Entries)
            {
                w.Line($"case {Number(entry.Value)}: return {SourceWriter.Literal(entry.Description)};");
            }

            w.Line("default: throw new System.ArgumentOutOfRangeException(nameof(status), (int)status, \"Not a defined HTTP status.\");");
            w.Close();
            w.Close();
            Range(w, "IsInformational", "informational (1xx)", 100);
            Range(w, "IsSuccess", "successful (2xx)", 200);
            Range(w, "IsRedirection", "a redirection (3xx)", 300);
            Range(w, "IsClientError", "a client error (4xx)", 400);
            Range(w, "IsServerError", "a server error (5xx)", 500);
            if (library is not null)
            {
                EmitLibraryBridge(w, library);
            }

            w.Close();
            w.Close();
            return w.ToString();
        }

        /// <summary>
        /// For a table that extends the library's: conversions by value both ways.
        /// </summary>
        private static void EmitLibraryBridge(SourceWriter w, string library)
        {
            w.Line();
            w.Line($"/// <summary>The library's status with the same value (<see cref=\"{library}.HttpStatus\"/>).</summary>");
            w.Line("/// <param name=\"status\">A status of this table.</param>");
            w.Line("/// <returns>The same code as the library's enum; a code only this table defines keeps its value.</returns>");
            w.Line($"public static {library}.HttpStatus ToLibraryStatus(this HttpStatus status) => ({library}.HttpStatus)(int)status;");
            w.Line();
            w.Line("/// <summary>This table's status with the same value as a library status.</summary>");
            w.Line("/// <param name=\"status\">A status of the library's enum.</param>");
            w.Line("/// <returns>The same code as this table's enum.</returns>");
            w.Line($"public static HttpStatus ToExtendedStatus(this {library}.HttpStatus status) => (HttpStatus)(int)status;");
        }

        private static void Range(SourceWriter w, string name, string what, int first)
        {
            w.Line();
            w.Line($"/// <summary>Whether the status is {what}: {Number(first)} to {Number(first + 99)}. Any value works, defined or not.</summary>");
            w.Line("/// <param name=\"status\">A status.</param>");
            w.Line($"/// <returns>True for {Number(first)}-{Number(first + 99)}.</returns>");
            w.Line($"public static bool {name}(this HttpStatus status) => (int)status >= {Number(first)} && (int)status <= {Number(first + 99)};");
        }
    }
}
