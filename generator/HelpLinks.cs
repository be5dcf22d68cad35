namespace Http.Client.Generator
{
    /// <summary>
    /// Help links of the diagnostics: each rule's section in the repository's docs (the anchors are the rule ids,
    /// lower-cased, as headings render them). A test checks that every link names a page and heading that exist.
    /// </summary>
    internal static class HelpLinks
    {
        /// <summary>Where the repository's docs/ folder is published.</summary>
        public const string DocsRoot = "https://github.com/http-client-dotnet/Http.Client/blob/main/docs/";

        /// <summary>The page on spec files; one section lists the HTTPGEN rules.</summary>
        public const string SpecDiagnostics = DocsRoot + "spec-files.md#spec-diagnostics";

        /// <summary>The section of one usage rule on the analyzers page.</summary>
        public static string Usage(string id) => DocsRoot + "package-and-analyzers.md#" + id.ToLowerInvariant();
    }
}
