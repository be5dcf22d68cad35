using System.Threading.Tasks;
using Http.Client.Generator.CodeFixes;
using Xunit;

namespace Http.Client.Generator.Tests.Analyzers
{
    /// <summary>HTTP1006's code fix, HTTP1009 (headers outside a request) and HTTP1010 (a callback that accepts any certificate).</summary>
    public sealed class NewRulesTests
    {
        [Fact]
        public Task HeaderNameCaseFixUsesTheHeaderNamesConstant()
            => Verifier.FixAsync<UsageAnalyzer, UseConstantCodeFix>(
                Verifier.Usings + @"
class C
{
    void M(HttpConnection c)
    {
        c.PutHeader({|HTTP1006:""content-type""|}, ""text/plain"");
        c.PutHeader(""X-Custom"", ""1"");
    }
}",
                Verifier.Usings + @"
class C
{
    void M(HttpConnection c)
    {
        c.PutHeader(HeaderNames.ContentType, ""text/plain"");
        c.PutHeader(""X-Custom"", ""1"");
    }
}");

        [Fact]
        public Task HeadersBeforePutRequestOrAfterEndHeadersAreWarnings()
            => Verifier.AnalyzeAsync<RequestOrderAnalyzer>(Verifier.Usings + @"
class C
{
    async Task M()
    {
        using var c = new HttpConnection(""example.com"");
        {|HTTP1009:c.PutHeader(""Accept"", ""*/*"")|};
        c.PutRequest(""GET"", ""/"");
        c.PutHeader(""Accept"", ""*/*"");
        c.EndHeaders();
        {|HTTP1009:c.PutHeader(""X-Late"", ""1"")|};
        using var response = c.GetResponse();
        {|HTTP1009:c.EndHeaders()|};
        c.Request(""GET"", ""/"");
        await {|HTTP1009:c.EndHeadersAsync()|}.ConfigureAwait(false);
    }

    void N()
    {
        using (var s = new HttpsConnection(""example.com""))
        {
            {|HTTP1009:s.EndHeaders()|};
        }
    }
}");

        [Fact]
        public Task TheRightOrderBranchesAndConnectionsFromElsewhereAreLeftAlone()
            => Verifier.AnalyzeAsync<RequestOrderAnalyzer>(Verifier.Usings + @"
class C
{
    HttpConnection field = new HttpConnection(""example.com"");

    void Right()
    {
        using var c = new HttpConnection(""example.com"");
        c.PutRequest(""GET"", ""/"");
        c.PutHeader(""Accept"", ""*/*"");
        c.EndHeaders();
        using var r1 = c.GetResponse();
        c.PutRequest(""GET"", ""/2"");
        c.PutHeader(""Accept"", ""*/*"");
        c.EndHeaders();
    }

    void Branch(bool b)
    {
        using var c = new HttpConnection(""example.com"");
        if (b) { c.PutRequest(""GET"", ""/""); }
        c.PutHeader(""Accept"", ""*/*"");
        Start(c);
        c.EndHeaders();
    }

    void Elsewhere(HttpConnection parameter)
    {
        parameter.PutHeader(""Accept"", ""*/*"");
        field.EndHeaders();
    }

    static void Start(HttpConnection c) => c.PutRequest(""GET"", ""/"");
}");

        [Fact]
        public Task ACallbackThatAlwaysReturnsTrueOnHttpsOptionsIsAWarning()
            => Verifier.AnalyzeAsync<CertificateValidationAnalyzer>(Verifier.Usings + @"
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
class C
{
    void M()
    {
        using var a = new HttpsConnection(""example.com"", sslOptions: new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = {|HTTP1010:(s, c, ch, e) => true|} });
        var options = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = {|HTTP1010:delegate { return true; }|} };
        options.RemoteCertificateValidationCallback = {|HTTP1010:AcceptAll|};
        using var b = new HttpsConnection(""example.com"", 443, sslOptions: options);
    }

    static bool AcceptAll(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;
}");

        [Fact]
        public Task ACallbackThatChecksSomethingOrOptionsNotGivenToAConnectionAreLeftAlone()
            => Verifier.AnalyzeAsync<CertificateValidationAnalyzer>(Verifier.Usings + @"
using System.Net.Security;
class C
{
    void M(byte[] pinned)
    {
        using var a = new HttpsConnection(""example.com"", sslOptions: new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (s, cert, ch, e) => e == SslPolicyErrors.None || (cert != null && cert.GetCertHash().AsSpan().SequenceEqual(pinned)),
        });
        var unused = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (s, c, ch, e) => true };
    }
}");
    }
}
