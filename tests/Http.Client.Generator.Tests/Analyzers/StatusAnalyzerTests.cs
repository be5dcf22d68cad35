using System.Threading.Tasks;
using Http.Client.Generator.CodeFixes;
using Xunit;

namespace Http.Client.Generator.Tests.Analyzers
{
    /// <summary>HTTP1007 (a status literal that has a generated constant, with its code fix) and HTTP1008 (one no spec defines).</summary>
    public sealed class StatusAnalyzerTests
    {
        [Fact]
        public Task ComparisonsCaseLabelsPatternsAndAssignmentsWithAKnownCodeSuggestTheConstant()
            => Verifier.AnalyzeAsync<StatusAnalyzer>(Verifier.Usings + @"
class C
{
    int status;
    int M(HttpResponse r, int statusCode)
    {
        if (r.Status == {|HTTP1007:404|}) return 1;
        if ({|HTTP1007:200|} != r.Status) return 2;
        switch (r.Status)
        {
            case {|HTTP1007:301|}: return 3;
            case {|HTTP1007:302|} when statusCode > 0: return 4;
        }

        status = {|HTTP1007:503|};
        int retryStatus = {|HTTP1007:429|};
        bool gone = statusCode is {|HTTP1007:410|} or {|HTTP1007:451|};
        return r.Status switch { {|HTTP1007:204|} => 5, _ => retryStatus };
    }
}");

        [Fact]
        public Task ACodeNoSpecDefinesIsAWarning()
            => Verifier.AnalyzeAsync<StatusAnalyzer>(Verifier.Usings + @"
class C
{
    bool M(HttpResponse r) => r.Status == {|HTTP1008:499|} || r.Status == {|HTTP1007:404|};
}");

        [Fact]
        public Task LiteralsThatAreNotStatusesConstantsAndOtherOperatorsAreLeftAlone()
            => Verifier.AnalyzeAsync<StatusAnalyzer>(Verifier.Usings + @"
class C
{
    bool M(HttpResponse r, int count, int[] items)
    {
        int limit = 404;
        int status = 0;
        int lastStatus = -1;
        bool a = count == 404;
        bool b = r.Status == StatusCodes.NotFound;
        bool c = r.Status >= 500;
        bool d = r.Version == 11;
        switch (count) { case 499: return true; }
        return a && b && c && d && items.Length == 200 && limit > 0 && status == lastStatus;
    }
}");

        [Fact]
        public Task NothingIsReportedWithoutTheLibrary()
        {
            var test = new Microsoft.CodeAnalysis.CSharp.Testing.CSharpAnalyzerTest<StatusAnalyzer, Microsoft.CodeAnalysis.Testing.DefaultVerifier>
            {
                TestCode = "class C { bool M(int status) => status == 499 || status == 404; }",
                ReferenceAssemblies = Verifier.Net100,
            };
            return test.RunAsync();
        }

        [Fact]
        public Task TheFixWritesTheConstantSimplifiedAgainstTheUsings()
            => Verifier.FixAsync<StatusAnalyzer, UseConstantCodeFix>(
                Verifier.Usings + @"
class C
{
    int M(HttpResponse r)
    {
        switch (r.Status) { case {|HTTP1007:404|}: return 1; }
        return r.Status == {|HTTP1007:200|} ? 2 : 3;
    }
}",
                Verifier.Usings + @"
class C
{
    int M(HttpResponse r)
    {
        switch (r.Status) { case StatusCodes.NotFound: return 1; }
        return r.Status == StatusCodes.OK ? 2 : 3;
    }
}");

        [Fact]
        public Task WithoutAUsingTheFixQualifiesTheConstant()
            => Verifier.FixAsync<StatusAnalyzer, UseConstantCodeFix>(
                "class C { bool M(Http.Client.HttpResponse r) => r.Status == {|HTTP1007:418|}; }",
                "class C { bool M(Http.Client.HttpResponse r) => r.Status == Http.StatusCodes.ImATeapot; }");
    }
}
