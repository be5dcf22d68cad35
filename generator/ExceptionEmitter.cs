using System.Collections.Generic;
using System.Text;

namespace Http.Client.Generator
{
    /// <summary>
    /// Emits the exception classes as partial classes. Constructors follow two shapes:
    /// a class without properties takes its message from the caller (), (message), (message, innerException);
    /// a class with properties takes them as parameters and builds its message from the template or from a
    /// handwritten <c>FormatMessage</c>, and adds a protected (message, innerException) constructor for subclasses.
    /// Every chain to a base class goes through the two-argument (message, innerException) form, which every
    /// generated class and every .NET exception type offers.
    /// </summary>
    internal static class ExceptionEmitter
    {
        private const string NoInner = "(System.Exception?)null";

        public static IEnumerable<GeneratedSource> Emit(string ns, string stem, ExceptionTable table)
        {
            SourceWriter w = new SourceWriter().Header();
            w.Open($"namespace {ns}");
            bool first = true;
            foreach (ExceptionEntry entry in table.Entries)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                EmitClass(w, entry);
            }

            w.Close();
            yield return new GeneratedSource(stem + ".Exceptions.g.cs", w.ToString());
        }

        /// <summary>
        /// A non-nullable string or array parameter without a default: the constructor refuses null rather than
        /// expose a null through a non-nullable property. (Other types may be structs, where '?? throw' would not compile.)
        /// </summary>
        private static bool RejectsNull(ExceptionProperty property)
            => property.DefaultValue is null
                && (property.EmptyValue == "string.Empty" || property.EmptyValue.StartsWith("System.Array.Empty<", System.StringComparison.Ordinal));

        private static void EmitClass(SourceWriter w, ExceptionEntry entry)
        {
            string name = entry.Name;
            w.Line($"/// <summary>{SourceWriter.Xml(entry.Summary)}</summary>");
            w.Open($"public partial class {name} : {entry.BaseType}");
            if (entry.Properties.Count == 0)
            {
                w.Line("/// <summary>Creates the exception with an empty message.</summary>");
                w.Line($"public {name}()");
                w.Line($"    : base(string.Empty, {NoInner})");
                w.Line("{");
                w.Line("}");
                w.Line();
                w.Line("/// <summary>Creates the exception with a message.</summary>");
                w.Line("/// <param name=\"message\">The message; null means an empty message.</param>");
                w.Line($"public {name}(string? message)");
                w.Line($"    : base(message ?? string.Empty, {NoInner})");
                w.Line("{");
                w.Line("}");
                w.Line();
                w.Line("/// <summary>Creates the exception with a message and the exception that caused it.</summary>");
                w.Line("/// <param name=\"message\">The message; null means an empty message.</param>");
                w.Line("/// <param name=\"innerException\">The exception that caused this one, or null.</param>");
                w.Line($"public {name}(string? message, System.Exception? innerException)");
                w.Line("    : base(message ?? string.Empty, innerException)");
                w.Line("{");
                w.Line("}");
                w.Close();
                return;
            }

            var parameters = new StringBuilder();
            var plainParameters = new StringBuilder();
            var arguments = new StringBuilder();
            foreach (ExceptionProperty property in entry.Properties)
            {
                if (parameters.Length > 0)
                {
                    parameters.Append(", ");
                    plainParameters.Append(", ");
                    arguments.Append(", ");
                }

                parameters.Append(property.Type).Append(' ').Append(property.ParameterName);
                plainParameters.Append(property.Type).Append(' ').Append(property.ParameterName);
                if (property.DefaultValue is not null)
                {
                    parameters.Append(" = ").Append(property.DefaultValue);
                }

                arguments.Append(property.ParameterName);
            }

            string message = entry.MessageKind == MessageKind.Custom
                ? $"FormatMessage({arguments})"
                : entry.MessageTemplateHasHoles
                    ? "$\"" + entry.MessageTemplate + "\""
                    : "\"" + entry.MessageTemplate!.Replace("{{", "{").Replace("}}", "}") + "\"";

            w.Line("/// <summary>Creates the exception from the data it carries; the message is built from them.</summary>");
            foreach (ExceptionProperty property in entry.Properties)
            {
                w.Line($"/// <param name=\"{property.ParameterName.TrimStart('@')}\">The value of <see cref=\"{property.Name}\"/>.</param>");
            }

            foreach (ExceptionProperty property in entry.Properties)
            {
                if (RejectsNull(property))
                {
                    w.Line($"/// <exception cref=\"System.ArgumentNullException\"><paramref name=\"{property.ParameterName.TrimStart('@')}\"/> is null.</exception>");
                }
            }

            w.Line($"public {name}({parameters})");
            w.Line($"    : base({message}, {NoInner})");
            w.Line("{");
            foreach (ExceptionProperty property in entry.Properties)
            {
                string value = RejectsNull(property)
                    ? $"{property.ParameterName} ?? throw new System.ArgumentNullException(nameof({property.ParameterName}))"
                    : property.ParameterName;
                w.Line($"    {property.Name} = {value};");
            }

            w.Line("}");
            w.Line();
            w.Line("/// <summary>Creates the exception with a caller's message and empty data; for subclasses that take a message.</summary>");
            w.Line("/// <param name=\"message\">The message; null means an empty message.</param>");
            w.Line("/// <param name=\"innerException\">The exception that caused this one, or null.</param>");
            w.Line($"protected {name}(string? message, System.Exception? innerException)");
            w.Line("    : base(message ?? string.Empty, innerException)");
            w.Line("{");
            foreach (ExceptionProperty property in entry.Properties)
            {
                if (property.EmptyValue.Length > 0)
                {
                    w.Line($"    {property.Name} = {property.EmptyValue};");
                }
            }

            w.Line("}");
            foreach (ExceptionProperty property in entry.Properties)
            {
                w.Line();
                w.Line($"/// <summary>The <c>{property.ParameterName.TrimStart('@')}</c> this exception was created with.</summary>");
                w.Line($"public {property.Type} {property.Name} {{ get; }}");
            }

            if (entry.MessageKind == MessageKind.Custom)
            {
                w.Line();
                w.Line("// Supplied by a handwritten part of this partial class: the spec cannot say how to build this message.");
                w.Line($"private static partial string FormatMessage({plainParameters});");
            }

            w.Close();
        }
    }
}
