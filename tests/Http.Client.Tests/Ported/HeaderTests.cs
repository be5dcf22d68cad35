using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Ported;

/// <summary>Ports of CPython 3.11 test_httplib.HeaderTests.</summary>
public class HeaderTests
{
    [Theory]
    [Trait("CPython", "HeaderTests.test_auto_headers")]
    [InlineData("Content-length", true)]
    [InlineData("Host", true)]
    [InlineData("Accept-encoding", true)]
    [InlineData("Content-length", false)]
    [InlineData("Host", false)]
    [InlineData("Accept-encoding", false)]
    public void AutoHeaders_AppearExactlyOnce(string header, bool explicitHeader)
    {
        var factory = new TransportFactory("blahblahblah"u8.ToArray());
        using var conn = factory.CreateConnection();
        const string body = "spamspamspam";
        var headers = explicitHeader ? new[] { H(header, body.Length.ToString()) } : Array.Empty<KeyValuePair<string, string>>();

        conn.Request("POST", "/", body, headers);

        var sent = RecordedRequest.Parse(factory.Last.Written);
        Assert.Equal(1, sent.Count(header));
    }

    public static IEnumerable<object[]> MethodsWithBody => new[] { "PUT", "POST", "PATCH" }.Select(m => new object[] { m });
    public static IEnumerable<object[]> MethodsWithoutBody => new[] { "GET", "CONNECT", "DELETE", "HEAD", "OPTIONS", "TRACE" }.Select(m => new object[] { m });

    private static RecordedRequest SendWithBody(string method, RequestBody? body)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request(method, "/", body);
        return RecordedRequest.Parse(factory.Last.Written);
    }

    [Theory]
    [Trait("CPython", "HeaderTests.test_content_length_0")]
    [MemberData(nameof(MethodsWithBody))]
    public void ContentLength0_MethodsExpectingBody_GetZeroForNoneAndEmpty(string method)
    {
        Assert.Equal("0", SendWithBody(method, null).Header("Content-Length"));
        Assert.Equal("0", SendWithBody(method, "").Header("Content-Length"));
        Assert.Equal("1", SendWithBody(method, " ").Header("Content-Length"));
    }

    [Theory]
    [Trait("CPython", "HeaderTests.test_content_length_0")]
    [MemberData(nameof(MethodsWithoutBody))]
    public void ContentLength0_OtherMethods_NoHeaderForNone_ZeroForEmpty(string method)
    {
        Assert.False(SendWithBody(method, null).Has("Content-Length"));
        Assert.Equal("0", SendWithBody(method, "").Header("Content-Length"));
        Assert.Equal("1", SendWithBody(method, " ").Header("Content-Length"));
    }

    [Fact]
    [Trait("CPython", "HeaderTests.test_putheader")]
    public void PutHeader_LatinStringValues_EncodedOneBytePerChar()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/");
        conn.PutHeader("LatinHeader", "\u00FF");
        conn.PutHeader("C1-Control", "next\u0085line");
        conn.EndHeaders();
        string head = Latin1.Text(factory.Last.Written);
        Assert.Contains("\r\nLatinHeader: \u00FF\r\n", head);
        Assert.Contains("\r\nC1-Control: next\u0085line\r\n", head);
    }

    [Fact]
    [Trait("CPython", "HeaderTests.test_putheader")]
    public void PutHeader_ExactLines()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/");
        conn.PutHeader("Content-length", "42");
        conn.PutHeader("Foo", " bar ");
        conn.PutHeader("Bar", "\tbaz\t");
        conn.PutHeader("Authorization", "Bearer mytoken");
        conn.PutHeader("IterHeader", "IterA", "IterB");
        conn.PutHeader(Latin1.Bytes("LatinHeader"), new byte[] { 0xFF });
        conn.PutHeader(Latin1.Bytes("Utf8Header"), new byte[] { 0xc3, 0x80 });
        conn.PutHeader(Latin1.Bytes("C1-Control"), Latin1.Bytes("next\u0085line"));
        conn.PutHeader("Embedded-Fold-Space", "is\r\n allowed");
        conn.PutHeader("Embedded-Fold-Tab", "is\r\n\tallowed");
        conn.PutHeader("Key Space", "value");
        conn.PutHeader("KeySpace ", "value");
        conn.PutHeader(Latin1.Bytes("Nonbreak\u00a0Space"), Latin1.Bytes("value"));
        conn.PutHeader(Latin1.Bytes("\u00a0NonbreakSpace"), Latin1.Bytes("value"));
        conn.EndHeaders();

        string head = Latin1.Text(factory.Last.Written);
        Assert.StartsWith("GET / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n", head);
        Assert.EndsWith("\r\n\r\n", head);
        foreach (var expected in new[]
        {
            "\r\nContent-length: 42\r\n",
            "\r\nFoo:  bar \r\n",
            "\r\nBar: \tbaz\t\r\n",
            "\r\nAuthorization: Bearer mytoken\r\n",
            "\r\nIterHeader: IterA\r\n\tIterB\r\n",
            "\r\nLatinHeader: \u00FF\r\n",
            "\r\nUtf8Header: \u00c3\u0080\r\n",
            "\r\nC1-Control: next\u0085line\r\n",
            "\r\nEmbedded-Fold-Space: is\r\n allowed\r\n",
            "\r\nEmbedded-Fold-Tab: is\r\n\tallowed\r\n",
            "\r\nKey Space: value\r\n",
            "\r\nKeySpace : value\r\n",
            "\r\nNonbreak\u00a0Space: value\r\n",
            "\r\n\u00a0NonbreakSpace: value\r\n",
        })
        {
            Assert.Contains(expected, head);
        }
    }

    [Theory]
    [Trait("CPython", "HeaderTests.test_ipv6host_header")]
    [InlineData("[2001::]:81", "[2001::]:81")]
    [InlineData("[2001:102A::]", "[2001:102A::]")]
    [InlineData("[fe80::%2]", "[fe80::]")]
    [InlineData("[fe80::%2]:81", "[fe80::]:81")]
    public void Ipv6HostHeader_IsBracketedWithoutZone(string host, string expectedHost)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = new HttpConnection(host) { ConnectCallback = factory.Connect };
        conn.Request("GET", "/foo");
        Assert.Equal($"GET /foo HTTP/1.1\r\nHost: {expectedHost}\r\nAccept-Encoding: identity\r\n\r\n", Latin1.Text(factory.Last.Written));
    }

    [Theory]
    [Trait("CPython", "HeaderTests.test_malformed_headers_coped_with")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void MalformedHeaders_CopedWith(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nFirst: val\r\n: nval\r\nSecond: val\r\n\r\n", split);
        Assert.Equal("val", ex.Response.GetHeader("First"));
        Assert.Equal("val", ex.Response.GetHeader("Second"));
    }

    [Theory]
    [Trait("CPython", "HeaderTests.test_parse_all_octets")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ParseAllOctets(ReadSplit split)
    {
        var body = new MemoryStream();
        body.Write("HTTP/1.1 200 OK\r\n"u8);
        body.Write("!#$%&'*+-.^_`|~: value\r\n"u8);
        body.Write("VCHAR: "u8); for (int b = 0x21; b <= 0x7E; b++) body.WriteByte((byte)b); body.Write("\r\n"u8);
        body.Write("obs-text: "u8); for (int b = 0x80; b <= 0xFF; b++) body.WriteByte((byte)b); body.Write("\r\n"u8);
        body.Write("obs-fold: text\r\n folded with space\r\n\tfolded with tab\r\n"u8);
        body.Write("Content-Length: 0\r\n\r\n"u8);

        using var ex = Exchange.Begin(body.ToArray(), split);
        var resp = ex.Response;
        Assert.Equal("0", resp.GetHeader("Content-Length"));
        Assert.Equal("0", resp.Headers["Content-Length"]);
        Assert.Equal("value", resp.GetHeader("!#$%&'*+-.^_`|~"));
        Assert.Equal("value", resp.Headers["!#$%&'*+-.^_`|~"]);
        string vchar = new(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c).ToArray());
        Assert.Equal(vchar, resp.GetHeader("VCHAR"));
        Assert.Equal(vchar, resp.Headers["VCHAR"]);
        Assert.NotNull(resp.GetHeader("obs-text"));
        Assert.True(resp.Headers.Contains("obs-text"));
        foreach (var folded in new[] { resp.GetHeader("obs-fold"), resp.Headers["obs-fold"] })
        {
            Assert.NotNull(folded);
            Assert.StartsWith("text", folded);
            Assert.Contains(" folded with space", folded);
            Assert.EndsWith("folded with tab", folded);
        }
    }

    [Theory]
    [Trait("CPython", "HeaderTests.test_invalid_headers")]
    [InlineData("Invalid\r\nName", "ValidValue")]
    [InlineData("Invalid\rName", "ValidValue")]
    [InlineData("Invalid\nName", "ValidValue")]
    [InlineData("\r\nInvalidName", "ValidValue")]
    [InlineData("\rInvalidName", "ValidValue")]
    [InlineData("\nInvalidName", "ValidValue")]
    [InlineData(" InvalidName", "ValidValue")]
    [InlineData("\tInvalidName", "ValidValue")]
    [InlineData("Invalid:Name", "ValidValue")]
    [InlineData(":InvalidName", "ValidValue")]
    [InlineData("ValidName", "Invalid\r\nValue")]
    [InlineData("ValidName", "Invalid\rValue")]
    [InlineData("ValidName", "Invalid\nValue")]
    [InlineData("ValidName", "InvalidValue\r\n")]
    [InlineData("ValidName", "InvalidValue\r")]
    [InlineData("ValidName", "InvalidValue\n")]
    public void InvalidHeaders_Rejected(string name, string value)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/");
        var e = Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader(Latin1.Bytes(name), Latin1.Bytes(value)));
        Assert.Contains("Invalid header", e.Message);
        var fromStrings = Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader(name, value));
        Assert.Contains("Invalid header", fromStrings.Message);
    }

    [Fact]
    [Trait("CPython", "HeaderTests.test_invalid_headers")]
    public void InvalidHeaders_ExactMessages()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/");
        Assert.StartsWith("Invalid header name b' X'", Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader(" X", "v")).Message);
        Assert.StartsWith("Invalid header value b'a\\r\\n'", Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader("X", "a\r\n")).Message);
    }

    [Theory]
    [Trait("CPython", "HeaderTests.test_headers_debuglevel")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void HeadersDebugLevel_PrintsReplyAndHeaders(ReadSplit split)
    {
        var factory = new TransportFactory(split, "HTTP/1.1 200 OK\r\nFirst: val\r\nSecond: val1\r\nSecond: val2\r\n");
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/");
        var output = new StringWriter();
        conn.DebugOutput = output;
        conn.SetDebugLevel(1);
        using var resp = conn.GetResponse();
        var lines = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("reply: 'HTTP/1.1 200 OK\\r\\n'", lines[0]);
        Assert.Equal("header: First: val", lines[1]);
        Assert.Equal("header: Second: val1", lines[2]);
        Assert.Equal("header: Second: val2", lines[3]);
    }
}

/// <summary>Port of CPython 3.11 test_httplib.HttpMethodTests.</summary>
public class HttpMethodTests
{
    [Theory]
    [Trait("CPython", "HttpMethodTests.test_invalid_method_names")]
    [InlineData("GET\r")]
    [InlineData("POST\n")]
    [InlineData("PUT\n\r")]
    [InlineData("POST\nValue")]
    [InlineData("POST\nHOST:abc")]
    [InlineData("GET\nrHost:abc\n")]
    [InlineData("POST\rRemainder:\r")]
    [InlineData("GET\rHOST:\n")]
    [InlineData("\nPUT")]
    public void InvalidMethodNames_Rejected(string method)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        var e = Assert.ThrowsAny<ArgumentException>(() => conn.Request(method, "/"));
        Assert.StartsWith("method can't contain control characters", e.Message);
        Assert.Empty(factory.AllWritten);
    }

    [Fact]
    [Trait("CPython", "HttpMethodTests.test_invalid_method_names")]
    public void InvalidMethodName_ExactMessage()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        var e = Assert.ThrowsAny<ArgumentException>(() => conn.Request("GET\r", "/"));
        Assert.StartsWith("method can't contain control characters. 'GET\\r' (found at least '\\r')", e.Message);
    }
}
