using Microsoft.CodeAnalysis;

namespace Http.Client.Generator
{
    /// <summary>
    /// Every diagnostic this assembly reports: the spec generator's (HTTPGEN001-099, at the file, line and column of
    /// the fault in a spec file) and the usage analyzer's (HTTP1001-1099, at a constant argument of a call into the
    /// library). Keep AnalyzerReleases.Unshipped.md in step with this list.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "Http.Client.Spec";

        private const string UsageCategory = "Http.Client.Usage";

        public static readonly DiagnosticDescriptor LineDoesNotParse = new DiagnosticDescriptor(
            id: "HTTPGEN001",
            title: "Spec line does not parse",
            messageFormat: "{0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A line of a spec file does not follow the format of its file kind.",
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor DuplicateStatusValue = new DiagnosticDescriptor(
            id: "HTTPGEN002",
            title: "Duplicate status value",
            messageFormat: "Status {0} is already defined on line {1}; use 'alias {0} NAME' for another name of the same status",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor DuplicateName = new DiagnosticDescriptor(
            id: "HTTPGEN003",
            title: "Duplicate name",
            messageFormat: "The name '{0}' is already defined on line {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor StatusOutOfRange = new DiagnosticDescriptor(
            id: "HTTPGEN004",
            title: "Status code out of range",
            messageFormat: "Status code {0} is outside 100-999",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor UndefinedReference = new DiagnosticDescriptor(
            id: "HTTPGEN005",
            title: "Reference to an undefined entry",
            messageFormat: "'{0}' is not defined in this file{1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "An exception's base class without a namespace must be defined in the same file; an alias must name a status defined in the same file.",
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor InheritanceCycle = new DiagnosticDescriptor(
            id: "HTTPGEN006",
            title: "Exception inheritance cycle",
            messageFormat: "'{0}' inherits from itself: {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor NotAnIdentifier = new DiagnosticDescriptor(
            id: "HTTPGEN007",
            title: "Name is not a C# identifier",
            messageFormat: "'{0}' is not a valid C# identifier{1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor NotAToken = new DiagnosticDescriptor(
            id: "HTTPGEN008",
            title: "Header name is not an RFC 9110 token",
            messageFormat: "Header name '{0}' is not an RFC 9110 token: character {1} is not allowed",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A header field name is a token: one or more of the letters, digits and !#$%&'*+-.^_`|~ (RFC 9110, 5.1 and 5.6.2).",
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor TextCannotBeEmitted = new DiagnosticDescriptor(
            id: "HTTPGEN009",
            title: "Text would break the generated C#",
            messageFormat: "{0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "Text copied into generated string literals and XML docs must not hold control characters or line separators, and a message template's braces must balance and name properties of the class. Quotes and backslashes are escaped and therefore allowed.",
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor ReservedName = new DiagnosticDescriptor(
            id: "HTTPGEN011",
            title: "Name collides with generated or inherited code",
            messageFormat: "'{0}' cannot be used here: it is {1}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A name would clash with the generated type that holds it, a generated method, or a member every exception inherits from System.Exception.",
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor RedefinesLibraryEntry = new DiagnosticDescriptor(
            id: "HTTPGEN012",
            title: "Spec line redefines an entry of the library's table",
            messageFormat: "{0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "A consumer's status or header spec extends the library's table. A line that gives a shipped status code another name or phrase, or a shipped header name another spelling, must be marked 'override'; a name the library already uses for another entry cannot be reused.",
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor NothingToOverride = new DiagnosticDescriptor(
            id: "HTTPGEN013",
            title: "'override' line without a library entry",
            messageFormat: "{0}",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "'override' redefines an entry of the library's table; the line names a status code or header the library does not ship (or the project does not extend the library's tables).",
            helpLinkUri: HelpLinks.SpecDiagnostics);

        public static readonly DiagnosticDescriptor UnknownSpecKind = new DiagnosticDescriptor(
            id: "HTTPGEN010",
            title: "Unknown spec file kind",
            messageFormat: "'{0}' is not a spec file name the generator knows; name it status.spec, exceptions.spec or headers.spec (or <prefix>.status.spec ...)",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinks.SpecDiagnostics);

        // ---------------------------------------------------------------- usage analyzer (HTTP1001+)

        public static readonly DiagnosticDescriptor InvalidHeaderName = new DiagnosticDescriptor(
            id: "HTTP1001",
            title: "Invalid header name",
            messageFormat: "\"{0}\" is not a valid header name: {1}",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "HttpConnection rejects this header name at run time with an ArgumentException: a name must be ASCII and non-empty, must not start with ':' or whitespace, and must not contain ':', CR or LF.",
            helpLinkUri: HelpLinks.Usage("HTTP1001"));

        public static readonly DiagnosticDescriptor InvalidHeaderValue = new DiagnosticDescriptor(
            id: "HTTP1002",
            title: "Invalid header value",
            messageFormat: "\"{0}\" is not a valid value for header \"{1}\": {2}",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "HttpConnection rejects this header value at run time: a value is sent as ISO-8859-1, and a CR or LF in it must start a folded continuation line (be followed by a space or tab), or it would inject a header.",
            helpLinkUri: HelpLinks.Usage("HTTP1002"));

        public static readonly DiagnosticDescriptor InvalidMethod = new DiagnosticDescriptor(
            id: "HTTP1003",
            title: "Invalid request method",
            messageFormat: "\"{0}\" is not a valid request method: {1}",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "HttpConnection rejects a method with control characters (ArgumentException) or non-ASCII characters (EncoderFallbackException) at run time.",
            helpLinkUri: HelpLinks.Usage("HTTP1003"));

        public static readonly DiagnosticDescriptor InvalidUrl = new DiagnosticDescriptor(
            id: "HTTP1004",
            title: "Invalid request URL",
            messageFormat: "\"{0}\" is not a valid request URL: {1}",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "HttpConnection rejects a URL with control characters, spaces or DEL (InvalidUrlException, CVE-2019-9740) or non-ASCII characters (EncoderFallbackException) at run time; percent-encode them.",
            helpLinkUri: HelpLinks.Usage("HTTP1004"));

        public static readonly DiagnosticDescriptor InvalidHost = new DiagnosticDescriptor(
            id: "HTTP1005",
            title: "Invalid host or port",
            messageFormat: "\"{0}\" is not a valid host: {1}",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: "The constructor (or SetTunnel) throws InvalidUrlException at run time: the port after the last ':' must be digits within 0-65535 (IPv6 addresses go in brackets), and the host must not hold control characters or spaces.",
            helpLinkUri: HelpLinks.Usage("HTTP1005"));

        public static readonly DiagnosticDescriptor HeaderNameCase = new DiagnosticDescriptor(
            id: "HTTP1006",
            title: "Use the HeaderNames constant",
            messageFormat: "\"{0}\" is the known header \"{1}\" in another letter case; use HeaderNames.{2}",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Header names are case-insensitive, so this works, but the constant spells the name as it is registered and interned.",
            helpLinkUri: HelpLinks.Usage("HTTP1006"));

        public static readonly DiagnosticDescriptor UseStatusConstant = new DiagnosticDescriptor(
            id: "HTTP1007",
            title: "Use the generated status constant",
            messageFormat: "Status {0} has a name: use {1}",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "A status literal compared with or assigned to a status reads better as the generated constant, which also keeps the code in step with the spec.",
            helpLinkUri: HelpLinks.Usage("HTTP1007"));

        public static readonly DiagnosticDescriptor UndefinedStatus = new DiagnosticDescriptor(
            id: "HTTP1008",
            title: "Status code that no spec defines",
            messageFormat: "No status spec in this compilation defines {0}: add it to a status spec, or check the number",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A status literal compared with or assigned to a status, which neither the library's table nor a status spec of the project defines: usually a typo, or a code that belongs in the project's status spec.",
            helpLinkUri: HelpLinks.Usage("HTTP1008"));

        public static readonly DiagnosticDescriptor HeaderOutOfOrder = new DiagnosticDescriptor(
            id: "HTTP1009",
            title: "Header sent outside a request",
            messageFormat: "{0} on '{1}' {2}: it throws CannotSendHeaderException at run time",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "PutHeader and EndHeaders are allowed only between PutRequest and EndHeaders of one request (CPython's state machine). The check follows a connection created in the method, statement by statement, until a branch, loop or other use of it makes its state unknown.",
            helpLinkUri: HelpLinks.Usage("HTTP1009"));

        public static readonly DiagnosticDescriptor AcceptsAnyCertificate = new DiagnosticDescriptor(
            id: "HTTP1010",
            title: "Certificate validation that accepts any certificate",
            messageFormat: "This certificate validation callback always returns true: the HttpsConnection accepts any certificate, so anyone on the path can read and change the traffic",
            category: UsageCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "A RemoteCertificateValidationCallback that returns true for every certificate turns TLS verification off. Trust a test CA instead (CertificateChainPolicy with CustomTrustStore), or compare the certificate with a pinned one.",
            helpLinkUri: HelpLinks.Usage("HTTP1010"));
    }
}
