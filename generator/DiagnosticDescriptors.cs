using Microsoft.CodeAnalysis;

namespace Http.Client.Generator
{
    /// <summary>
    /// Every diagnostic the spec generator reports. Each one points at the file, line and column of the fault
    /// in a spec file. Keep AnalyzerReleases.Unshipped.md in step with this list.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "Http.Client.Spec";

        public static readonly DiagnosticDescriptor LineDoesNotParse = new DiagnosticDescriptor(
            id: "HTTPGEN001",
            title: "Spec line does not parse",
            messageFormat: "{0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A line of a spec file does not follow the format of its file kind.");

        public static readonly DiagnosticDescriptor DuplicateStatusValue = new DiagnosticDescriptor(
            id: "HTTPGEN002",
            title: "Duplicate status value",
            messageFormat: "Status {0} is already defined on line {1}; use 'alias {0} NAME' for another name of the same status",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor DuplicateName = new DiagnosticDescriptor(
            id: "HTTPGEN003",
            title: "Duplicate name",
            messageFormat: "The name '{0}' is already defined on line {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor StatusOutOfRange = new DiagnosticDescriptor(
            id: "HTTPGEN004",
            title: "Status code out of range",
            messageFormat: "Status code {0} is outside 100-999",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor UndefinedReference = new DiagnosticDescriptor(
            id: "HTTPGEN005",
            title: "Reference to an undefined entry",
            messageFormat: "'{0}' is not defined in this file{1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "An exception's base class without a namespace must be defined in the same file; an alias must name a status defined in the same file.");

        public static readonly DiagnosticDescriptor InheritanceCycle = new DiagnosticDescriptor(
            id: "HTTPGEN006",
            title: "Exception inheritance cycle",
            messageFormat: "'{0}' inherits from itself: {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NotAnIdentifier = new DiagnosticDescriptor(
            id: "HTTPGEN007",
            title: "Name is not a C# identifier",
            messageFormat: "'{0}' is not a valid C# identifier{1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor NotAToken = new DiagnosticDescriptor(
            id: "HTTPGEN008",
            title: "Header name is not an RFC 9110 token",
            messageFormat: "Header name '{0}' is not an RFC 9110 token: character {1} is not allowed",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A header field name is a token: one or more of the letters, digits and !#$%&'*+-.^_`|~ (RFC 9110, 5.1 and 5.6.2).");

        public static readonly DiagnosticDescriptor TextCannotBeEmitted = new DiagnosticDescriptor(
            id: "HTTPGEN009",
            title: "Text would break the generated C#",
            messageFormat: "{0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Text copied into generated string literals and XML docs must not hold control characters or line separators, and a message template's braces must balance and name properties of the class. Quotes and backslashes are escaped and therefore allowed.");

        public static readonly DiagnosticDescriptor ReservedName = new DiagnosticDescriptor(
            id: "HTTPGEN011",
            title: "Name collides with generated or inherited code",
            messageFormat: "'{0}' cannot be used here: it is {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A name would clash with the generated type that holds it, a generated method, or a member every exception inherits from System.Exception.");

        public static readonly DiagnosticDescriptor UnknownSpecKind = new DiagnosticDescriptor(
            id: "HTTPGEN010",
            title: "Unknown spec file kind",
            messageFormat: "'{0}' is not a spec file name the generator knows; name it status.spec, exceptions.spec or headers.spec (or <prefix>.status.spec ...)",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true);
    }
}
