using System;
using System.Collections.Generic;
using System.Text;
using Xunit;

namespace Http.Client.Generator.Tests.Analyzers
{
    /// <summary>
    /// The analyzer's rules (<see cref="HttpSyntaxRules"/>) and the runtime's validation must agree: every string of up
    /// to <see cref="MaxLength"/> characters over an alphabet of the characters the rules care about is checked both
    /// ways, so an error at compile time always means an exception at run time, and silence means no exception.
    /// </summary>
    public sealed class RulesAgreementTests
    {
        /// <summary>Exhaustive up to this length: 1 + 19 + 19^2 + 19^3 strings, each rule decides by position 0, 1 or "later".</summary>
        private const int MaxLength = 3;

        /// <summary>Letters, digits, ':', brackets, each kind of whitespace and control, DEL, latin-1 and beyond.</summary>
        private const string Alphabet = "aZ09:-[] \t\r\n\v\f\0\x1f\x7f\xe9\x101";

        [Fact]
        public void HeaderNamesAgree() => AssertAgree(
            HttpSyntaxRules.CheckHeaderName,
            name => NewRequest().PutHeader(name, "v"),
            "header name");

        [Fact]
        public void HeaderValuesAgree() => AssertAgree(
            HttpSyntaxRules.CheckHeaderValue,
            value => NewRequest().PutHeader("X", value),
            "header value");

        [Fact]
        public void MethodsAgree() => AssertAgree(
            HttpSyntaxRules.CheckMethod,
            method => new HttpConnection("example.invalid").PutRequest(method, "/"),
            "method");

        [Fact]
        public void UrlsAgree() => AssertAgree(
            HttpSyntaxRules.CheckUrl,
            url => new HttpConnection("example.invalid").PutRequest("GET", url, skipHost: true),
            "URL");

        [Fact]
        public void HostsWithoutPortAgree() => AssertAgree(
            host => HttpSyntaxRules.CheckHost(host, portKnownNull: true),
            host => _ = new HttpConnection(host),
            "host");

        [Fact]
        public void HostsWithExplicitPortAgree() => AssertAgree(
            host => HttpSyntaxRules.CheckHost(host, portKnownNull: false),
            host => _ = new HttpConnection(host, 80),
            "host with a port");

        [Fact]
        public void HostsWithUnknownPortAreFlaggedOnlyWhenBothWaysFail()
        {
            foreach (string host in AllStrings())
            {
                if (HttpSyntaxRules.CheckHost(host, portKnownNull: null) is not null)
                {
                    Assert.True(Throws(() => _ = new HttpConnection(host)), $"no-port accepts {Show(host)}");
                    Assert.True(Throws(() => _ = new HttpConnection(host, 80)), $"explicit port accepts {Show(host)}");
                }
            }
        }

        [Theory]
        [InlineData("h:65535", true)]
        [InlineData("h:65536", false)]
        [InlineData("h:0000000000000000000080", true)]
        [InlineData("h:99999999999999999999", false)]
        [InlineData("[::1]:", true)]
        [InlineData("[::1]x", true)]
        public void PortTextAgrees(string host, bool valid)
        {
            Assert.Equal(valid, HttpSyntaxRules.CheckHost(host, portKnownNull: true) is null);
            Assert.Equal(valid, !Throws(() => _ = new HttpConnection(host)));
        }

        [Theory]
        [InlineData(-1)]
        [InlineData(0)]
        [InlineData(65535)]
        [InlineData(65536)]
        [InlineData(int.MinValue)]
        public void ExplicitPortsAgree(int port)
            => Assert.Equal(HttpSyntaxRules.CheckPort(port) is null, !Throws(() => _ = new HttpConnection("h", port)));

        private static HttpConnection NewRequest()
        {
            // PutRequest only buffers: no transport is opened.
            var connection = new HttpConnection("example.invalid");
            connection.PutRequest("GET", "/");
            return connection;
        }

        private static void AssertAgree(Func<string, string?> rule, Action<string> runtime, string what)
        {
            var disagreements = new List<string>();
            int count = 0;
            foreach (string text in AllStrings())
            {
                count++;
                bool analyzerRejects = rule(text) is not null;
                bool runtimeRejects = Throws(() => runtime(text));
                if (analyzerRejects != runtimeRejects)
                {
                    disagreements.Add($"{Show(text)}: analyzer {(analyzerRejects ? "rejects" : "accepts")}, runtime {(runtimeRejects ? "rejects" : "accepts")}");
                }
            }

            Assert.True(count > 7000, "the alphabet produced too few strings");
            Assert.True(disagreements.Count == 0, $"{disagreements.Count} {what} disagreement(s):\n" + string.Join("\n", disagreements.GetRange(0, Math.Min(20, disagreements.Count))));
        }

        /// <summary>True for the runtime's validation exceptions; any other exception fails the test.</summary>
        private static bool Throws(Action action)
        {
            try
            {
                action();
                return false;
            }
            catch (ArgumentException)
            {
                return true; // ArgumentException and EncoderFallbackException (non-ASCII / non-latin-1)
            }
            catch (InvalidUrlException)
            {
                return true;
            }
        }

        private static IEnumerable<string> AllStrings()
        {
            var current = new StringBuilder();
            return Build(current, 0);

            static IEnumerable<string> Build(StringBuilder current, int depth)
            {
                yield return current.ToString();
                if (depth == MaxLength)
                {
                    yield break;
                }

                foreach (char c in Alphabet)
                {
                    current.Append(c);
                    foreach (string s in Build(current, depth + 1))
                    {
                        yield return s;
                    }

                    current.Length--;
                }
            }
        }

        private static string Show(string text) => "\"" + HttpSyntaxRules.Display(text) + "\"";
    }
}
