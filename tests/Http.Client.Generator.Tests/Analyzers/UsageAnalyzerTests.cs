using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Http.Client.Generator.Tests.Analyzers
{
    /// <summary>
    /// One test per usage diagnostic (id and exact span, marked inline), plus code the analyzer must leave alone.
    /// </summary>
    public sealed class UsageAnalyzerTests
    {
        private static string InMethod(string body) => AnalyzerHarness.Usings + @"
public static class UserCode
{
    public static void Run(HttpConnection connection, HttpsConnection secure, string dynamicName, int dynamicPort)
    {
" + body + @"
    }
}";

        [Fact]
        public void HTTP1001_InvalidHeaderNameInPutHeader()
        {
            AnalyzerHarness.Verify(InMethod(@"
        connection.PutHeader({|HTTP1001:""X-Bad:Name""|}, ""v"");
        connection.PutHeader({|HTTP1001:""""|}, ""v"");
        connection.PutHeader({|HTTP1001:"" Leading""|}, ""v"");
        connection.PutHeader({|HTTP1001:""\tLeading""|}, ""v"");
        connection.PutHeader({|HTTP1001:""X-Injected\r\nHost""|}, ""v"");
        connection.PutHeader({|HTTP1001:""X-Caf\u00e9""|}, ""v"");
        const string Named = ""Bad Name:"";
        connection.PutHeader({|HTTP1001:Named|}, ""v"");
        connection.PutHeader(values: new[] { ""v"" }, name: {|HTTP1001:"":x""|});
        secure.PutHeader({|HTTP1001:""X-Secure:""|}, ""v"");"));
        }

        [Fact]
        public void HTTP1001_InvalidHeaderNameInRequestHeaders()
        {
            AnalyzerHarness.Verify(InMethod(@"
        connection.Request(""GET"", ""/"", headers: new[] { new KeyValuePair<string, string>({|HTTP1001:""X:1""|}, ""v"") });
        connection.Request(""GET"", ""/"", null, new Dictionary<string, string> { { {|HTTP1001:""X\n2""|}, ""v"" } });
        connection.Request(""GET"", ""/"", null, new Dictionary<string, string> { [{|HTTP1001:"" X3""|}] = ""v"" });
        connection.Request(""GET"", ""/"", headers: new List<KeyValuePair<string, string>> { KeyValuePair.Create({|HTTP1001:""""|}, ""v""), new({|HTTP1001:"":X5""|}, ""v"") });
        KeyValuePair<string, string>[] notAnArgument = [new(""X6:"", ""v"")];
        connection.Request(""GET"", ""/"", headers: [new({|HTTP1001:""X7:""|}, ""v"")]);
        connection.SetTunnel(""proxy.example"", headers: new[] { new KeyValuePair<string, string>({|HTTP1001:""X 8:""|}, ""v"") });
        _ = connection.RequestAsync(""GET"", ""/"", headers: new Dictionary<string, string> { [{|HTTP1001:""X9\r""|}] = ""v"" });"));
        }

        [Fact]
        public void HTTP1002_InvalidHeaderValue()
        {
            AnalyzerHarness.Verify(InMethod(@"
        connection.PutHeader(""X-A"", {|HTTP1002:""a\r\nInjected: yes""|});
        connection.PutHeader(""X-B"", ""fine"", {|HTTP1002:""trailing\n""|});
        connection.PutHeader(""X-C"", {|HTTP1002:""bare\rX""|});
        connection.PutHeader(""X-D"", {|HTTP1002:""\u0101 is not latin-1""|});
        connection.PutHeader(""X-E"", new[] { {|HTTP1002:""\r\n\r\n ""|} });
        connection.Request(""POST"", ""/"", ""body"", new Dictionary<string, string> { { ""X-F"", {|HTTP1002:""v\n""|} } });
        connection.Request(""POST"", ""/"", ""body"", new Dictionary<string, string> { [""X-G""] = {|HTTP1002:""\rv""|} });
        connection.Request(""GET"", ""/"", headers: new[] { KeyValuePair.Create(""X-H"", {|HTTP1002:""v\r""|}) });"));
        }

        [Fact]
        public void HTTP1003_InvalidMethod()
        {
            AnalyzerHarness.Verify(InMethod(@"
        connection.PutRequest({|HTTP1003:""GET\r\n""|}, ""/"");
        connection.Request({|HTTP1003:""G\u0001T""|}, ""/"");
        _ = connection.RequestAsync({|HTTP1003:""G\u00c9T""|}, ""/"");
        connection.PutRequest(url: ""/"", method: {|HTTP1003:""\tGET""|});"));
        }

        [Fact]
        public void HTTP1004_InvalidUrl()
        {
            AnalyzerHarness.Verify(InMethod(@"
        connection.PutRequest(""GET"", {|HTTP1004:""/a b""|});
        connection.Request(""GET"", {|HTTP1004:""/x\r\nHost: evil""|});
        _ = connection.RequestAsync(""GET"", {|HTTP1004:""/\u007f""|});
        connection.PutRequest(""GET"", {|HTTP1004:""/caf\u00e9""|});"));
        }

        [Fact]
        public void HTTP1005_InvalidHostOrPort()
        {
            AnalyzerHarness.Verify(InMethod(@"
        _ = new HttpConnection({|HTTP1005:""example.com:http""|});
        _ = new HttpsConnection({|HTTP1005:""example.com:99999""|});
        _ = new HttpConnection({|HTTP1005:""user:password@example.com""|});
        _ = new HttpConnection({|HTTP1005:""[::1]:-1""|});
        _ = new HttpConnection({|HTTP1005:""bad host""|});
        _ = new HttpConnection(""example.com"", {|HTTP1005:70000|});
        _ = new HttpsConnection(""example.com"", port: {|HTTP1005:-1|}, timeout: null);
        _ = new HttpConnection({|HTTP1005:""bad host:x""|}, dynamicPort);
        connection.SetTunnel({|HTTP1005:""target:none""|});"));
        }

        [Fact]
        public void HTTP1006_KnownHeaderInAnotherCase()
        {
            ImmutableArray<Diagnostic> diagnostics = AnalyzerHarness.Analyze(InMethod(@"
        connection.PutHeader(""content-type"", ""text/plain"");"));
            Diagnostic diagnostic = Assert.Single(diagnostics);
            Assert.Equal("HTTP1006", diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Info, diagnostic.Severity);
            Assert.Equal(
                "\"content-type\" is the known header \"Content-Type\" in another letter case; use HeaderNames.ContentType",
                diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

            AnalyzerHarness.Verify(InMethod(@"
        connection.PutHeader({|HTTP1006:""content-type""|}, ""text/plain"");
        connection.Request(""GET"", ""/"", headers: new Dictionary<string, string> { [{|HTTP1006:""USER-AGENT""|}] = ""me"", [{|HTTP1006:""www-authenticate""|}] = ""x"" });"));
        }

        [Fact]
        public void MessagesNameTheTextAndTheRuntimeRule()
        {
            ImmutableArray<Diagnostic> diagnostics = AnalyzerHarness.Analyze(InMethod(@"
        connection.PutHeader(""X-A"", ""a\r\nB: c"");
        _ = new HttpConnection(""example.com:99999"");"));
            string[] messages = diagnostics.OrderBy(d => d.Location.SourceSpan.Start)
                .Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(
                new[]
                {
                    "\"a\\r\\nB: c\" is not a valid value for header \"X-A\": '\\n' at position 2 is not followed by a space or tab (a line break would end the header)",
                    "\"example.com:99999\" is not a valid host: port out of range: 99999 (must be 0-65535)",
                },
                messages);
        }

        [Fact]
        public void ValidAndNonConstantArgumentsAreLeftAlone()
        {
            AnalyzerHarness.Verify(InMethod(@"
        _ = new HttpConnection(""example.com"");
        _ = new HttpConnection(""example.com:"");
        _ = new HttpConnection(""example.com:8080"");
        _ = new HttpConnection(""[fe80::1%eth0]:81"");
        _ = new HttpConnection(""::1"");
        _ = new HttpConnection(""h:0"");
        _ = new HttpConnection(""h:abc"", 80);
        _ = new HttpConnection(""h:abc"", dynamicPort);
        _ = new HttpConnection(""h"", 65535);
        _ = new HttpsConnection(""b\u00fccher.example:443"");
        _ = new HttpConnection(dynamicName);
        connection.PutRequest(""GE T"", """");
        connection.PutRequest("""", ""http://example.com/a?b=c#d"");
        connection.PutRequest(""PATCH"", ""*"");
        connection.PutHeader(""Content-Type"", ""text/plain"");
        connection.PutHeader(HeaderNames.ContentType, ""text/plain"");
        connection.PutHeader(""X-Custom"", ""folded\r\n continuation"", ""tab\n\tfold"", ""cr\r lf"", ""caf\u00e9"", ""obs\u0085text"");
        connection.PutHeader(""Interior space"", """");
        connection.PutHeader(dynamicName, dynamicName);
        connection.PutHeader(new byte[] { 58 }, new byte[] { 10 });
        connection.Request(""GET"", dynamicName, headers: new Dictionary<string, string> { [dynamicName] = ""v"", [""X-Ok""] = dynamicName });
        var unrelated = new Dictionary<string, string> { { ""not:a header"", ""\n"" } };
        var pair = new KeyValuePair<string, string>("":"", ""\n"");"));
        }

        [Fact]
        public void NothingHappensWithoutTheLibrary()
        {
            // Same-named types in user code are not the library's.
            const string source = @"
namespace Http.Client
{
    public class HttpConnection
    {
        public HttpConnection(string host) { }
        public void PutHeader(string name, params string[] values) { }
    }
}
public static class UserCode
{
    public static void Run() => new Http.Client.HttpConnection(""h:bad"").PutHeader(""X:1"", ""\n"");
}";
            Assert.Empty(AnalyzerHarness.Analyze(source, referenceLibrary: false));
        }
    }
}
