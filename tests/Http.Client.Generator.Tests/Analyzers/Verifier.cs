using System.IO;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Http.Client.Generator.Tests.Analyzers
{
    /// <summary>
    /// Microsoft.CodeAnalysis.Testing verifiers over the real Http.Client.dll, with .NET 10 reference assemblies from
    /// the Microsoft.NETCore.App.Ref package (the one the installed SDK carries; restored from the NuGet cache or feed).
    /// Expected diagnostics are written inline: <c>{|HTTP1007:404|}</c>, or <c>[|...|]</c> for the rule under test.
    /// </summary>
    internal static class Verifier
    {
        public static readonly ReferenceAssemblies Net100 = new ReferenceAssemblies(
            "net10.0",
            new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"),
            Path.Combine("ref", "net10.0"));

        public const string Usings = "using System;\nusing System.Threading.Tasks;\nusing Http;\nusing Http.Client;\n";

        public static Task AnalyzeAsync<TAnalyzer>(string source)
            where TAnalyzer : DiagnosticAnalyzer, new()
        {
            var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source, ReferenceAssemblies = Net100 };
            test.TestState.AdditionalReferences.Add(typeof(HttpConnection).Assembly.Location);
            return test.RunAsync();
        }

        public static Task FixAsync<TAnalyzer, TFix>(string source, string fixedSource)
            where TAnalyzer : DiagnosticAnalyzer, new()
            where TFix : CodeFixProvider, new()
        {
            var test = new CSharpCodeFixTest<TAnalyzer, TFix, DefaultVerifier>
            {
                TestCode = source,
                FixedCode = fixedSource,
                ReferenceAssemblies = Net100,
            };
            test.TestState.AdditionalReferences.Add(typeof(HttpConnection).Assembly.Location);
            test.FixedState.AdditionalReferences.Add(typeof(HttpConnection).Assembly.Location);
            return test.RunAsync();
        }
    }
}
