using System;
using System.Collections.Generic;
using System.Linq;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Behaviour;

/// <summary>Request-line, Host and framing rules that no stdlib test covers (behavior.md C13, C14, C16), byte-exact.</summary>
public class RequestWireTests
{
    private static string Sent(HttpConnection conn, TransportFactory factory) => Latin1.Text(factory.Last.Written);

    [Theory]
    [Trait("CPython-behaviour", "C13")]
    [InlineData("example.com", null, "GET", "http://other.com:80/x", "GET http://other.com:80/x HTTP/1.1\r\nHost: other.com:80\r\n")]
    [InlineData("example.com", null, "GET", "https://u:p@other.com/x", "GET https://u:p@other.com/x HTTP/1.1\r\nHost: u:p@other.com\r\n")]
    [InlineData("example.com", null, "GET", "http://[fe80::1%25eth0]:8080/x", "GET http://[fe80::1%25eth0]:8080/x HTTP/1.1\r\nHost: [fe80::1]\r\n")]
    [InlineData("b\u00fccher.de", null, "GET", "/", "GET / HTTP/1.1\r\nHost: xn--bcher-kva.de\r\n")]
    [InlineData("h", 8080, "GET", "/", "GET / HTTP/1.1\r\nHost: h:8080\r\n")]
    [InlineData("2001::1", 80, "GET", "/", "GET / HTTP/1.1\r\nHost: [2001::1]\r\n")]
    [InlineData("example.com", null, "GET", "", "GET / HTTP/1.1\r\nHost: example.com\r\n")]
    [InlineData("example.com", null, "GE T", "/", "GE T / HTTP/1.1\r\nHost: example.com\r\n")]
    [InlineData("example.com", null, "", "/", " / HTTP/1.1\r\nHost: example.com\r\n")]
    [InlineData("example.com", null, "GET", "httpfoo", "GET httpfoo HTTP/1.1\r\nHost: example.com\r\n")]
    public void RequestLineAndHost(string host, int? port, string method, string url, string expectedStart)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = new HttpConnection(host, port) { ConnectCallback = factory.Connect };
        conn.PutRequest(method, url);
        conn.EndHeaders();
        Assert.Equal(expectedStart + "Accept-Encoding: identity\r\n\r\n", Sent(conn, factory));
    }

    [Fact]
    [Trait("CPython-behaviour", "C13")]
    public void SkipHostAndAcceptEncoding()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/", skipHost: true, skipAcceptEncoding: true);
        conn.EndHeaders();
        Assert.Equal("GET / HTTP/1.1\r\n\r\n", Sent(conn, factory));
    }

    [Theory]
    [Trait("CPython-behaviour", "C13")]
    [InlineData("/a b", "URL can't contain control characters. '/a b' (found at least ' ')")]
    [InlineData("/\x7f", "URL can't contain control characters. '/\\x7f' (found at least '\\x7f')")]
    [InlineData("/\r\nX: y", "URL can't contain control characters. '/\\r\\nX: y' (found at least '\\r')")]
    public void InvalidUrl_ExactMessage(string url, string message)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        var e = Assert.Throws<InvalidUrlException>(() => conn.Request("GET", url));
        Assert.Equal(message, e.Message);
        Assert.Empty(factory.AllWritten);
    }

    [Fact]
    [Trait("CPython-behaviour", "C2")]
    public void InvalidHost_ExactMessage()
    {
        var e = Assert.Throws<InvalidUrlException>(() => new HttpConnection("h x"));
        Assert.Equal("URL can't contain control characters. 'h x' (found at least ' ')", e.Message);
    }

    [Fact]
    [Trait("CPython-behaviour", "C14")]
    public void PutHeader_NoValues_TrailingSpace()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/");
        conn.PutHeader("Empty");
        conn.EndHeaders();
        Assert.Equal("GET / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nEmpty: \r\n\r\n", Sent(conn, factory));
    }

    [Fact]
    [Trait("CPython-behaviour", "C16")]
    public void ExplicitContentLength_DisablesEncodeChunked()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("POST", "/", "abc"u8.ToArray(), new[] { H("Content-Length", "3") }, encodeChunked: true);
        Assert.Equal("POST / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc", Sent(conn, factory));
    }

    [Fact]
    [Trait("CPython-behaviour", "C16")]
    public void FramingHeader_ComesBeforeUserHeaders_UserHeadersInOrder()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("PUT", "/x", "body", new[] { H("X-B", "2"), H("X-A", "1"), H("x-b", "3") });
        Assert.Equal("PUT /x HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 4\r\nX-B: 2\r\nX-A: 1\r\nx-b: 3\r\n\r\nbody", Sent(conn, factory));
    }

    [Fact]
    [Trait("CPython-behaviour", "C16")]
    public void UserHostAndAcceptEncoding_ReplaceTheAutomaticOnes_AnyCase()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/", headers: new[] { H("HOST", "h.example"), H("accept-ENCODING", "gzip") });
        Assert.Equal("GET / HTTP/1.1\r\nHOST: h.example\r\naccept-ENCODING: gzip\r\n\r\n", Sent(conn, factory));
    }

    [Fact]
    [Trait("Design", "one write for head plus a small body")]
    public void SmallRequest_OneWrite()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("POST", "/small", "tiny body", new[] { H("X-A", "1") });
        Assert.Equal(1, factory.Last.WriteCount);
        Assert.Equal("tiny body", Latin1.Text(RecordedRequest.Parse(factory.Last.Written).Body));
    }

    [Theory]
    [Trait("CPython-behaviour", "C15")]
    [InlineData(1)]
    [InlineData(8191)]
    [InlineData(8192)]
    [InlineData(8193)]
    [InlineData(300_000)]
    public void LargeBodies_ArriveIntact(int size)
    {
        var body = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        foreach (var (name, shape) in new (string, Func<RequestBody>)[]
        {
            ("bytes", () => body), ("stream", () => new System.IO.MemoryStream(body)), ("one chunk", () => RequestBody.FromChunks(new[] { body })),
        })
        {
            var factory = new TransportFactory(Array.Empty<byte>());
            using var conn = factory.CreateConnection();
            conn.Request("PUT", "/big", shape());
            var sent = RecordedRequest.Parse(factory.Last.Written);
            Assert.Equal(body, sent.Has("Content-Length") ? sent.Body : sent.ChunkDecodedBody);
            if (name == "stream") Assert.True(Chunked.ChunkSizes(sent.Body).All(n => n <= 8192), "a stream is sent in BlockSize pieces");
            if (name == "one chunk") Assert.Equal(new[] { size }, Chunked.ChunkSizes(sent.Body));
        }
    }

    [Fact]
    [Trait("CPython-behaviour", "C15")]
    public void ChunkSizes_UppercaseHexWithoutLeadingZeros()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("POST", "/", RequestBody.FromChunks(new[] { new byte[300], new byte[10] }));
        Assert.StartsWith("12C\r\n", Latin1.Text(RecordedRequest.Parse(factory.Last.Written).Body));
        Assert.Contains("\r\nA\r\n", Latin1.Text(RecordedRequest.Parse(factory.Last.Written).Body));
    }

    [Theory]
    [Trait("CPython-behaviour", "C14")]
    [InlineData("a\r\n b", true)]
    [InlineData("a\r\n\tb", true)]
    [InlineData("a\r b", true)]
    [InlineData("a\n\tb", true)]
    [InlineData(" lead", true)]
    [InlineData("trail ", true)]
    [InlineData("", true)]
    [InlineData("a\r\n", false)]
    [InlineData("a\r", false)]
    [InlineData("a\n", false)]
    [InlineData("a\rX", false)]
    [InlineData("a\r\n\r\n b", false)]
    [InlineData("a\nb", false)]
    [InlineData("a\r\n\r\n", false)]
    [InlineData("a\0b", false)] // docs/differences.md #30: CPython sends NUL and the other controls
    [InlineData("\x7f", false)]
    [InlineData("a\x01", false)]
    [InlineData("a\u001fb", false)]
    [InlineData("a\vb", false)]
    [InlineData("a\fb", false)]
    [Trait("Deviation", "30")]
    public void HeaderValueValidity(string value, bool valid)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/");
        if (!valid)
        {
            Assert.StartsWith("Invalid header value b'", Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader("X", value)).Message);
            return;
        }
        conn.PutHeader("X", value);
        conn.EndHeaders();
        Assert.EndsWith("\r\nX: " + value + "\r\n\r\n", Sent(conn, factory));
    }

    [Theory]
    [Trait("CPython-behaviour", "C14")]
    [InlineData("Key Space", true)]
    [InlineData("KeySpace ", true)]
    [InlineData("", false)]
    [InlineData(" X", false)]
    [InlineData("\tX", false)]
    [InlineData("X:Y", false)]
    [InlineData(":X", false)]
    [InlineData("X\rY", false)]
    [InlineData("X\nY", false)]
    [InlineData("\x0bX", false)]
    [InlineData("\x0cX", false)]
    [InlineData("X\0Y", false)] // docs/differences.md #30: CPython allows controls after the first character
    [InlineData("X\x0bY", false)]
    [InlineData("X\t", false)]
    [InlineData("X\x7f", false)]
    [Trait("Deviation", "30")]
    public void HeaderNameValidity(string name, bool valid)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/");
        if (!valid)
        {
            Assert.StartsWith("Invalid header name b'", Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader(name, "v")).Message);
            return;
        }
        conn.PutHeader(name, "v");
        conn.EndHeaders();
        Assert.EndsWith("\r\n" + name + ": v\r\n\r\n", Sent(conn, factory));
    }

    [Fact]
    [Trait("CPython-behaviour", "C13")]
    [Trait("Deviation", "30")]
    public void MethodValidity_NulAndDelRejected_NothingSent()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        var e = Assert.ThrowsAny<ArgumentException>(() => conn.PutRequest("\0GET", "/"));
        Assert.StartsWith("method can't contain control characters. '\\x00GET' (found at least '\\x00')", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => conn.Request("GE\x7fT", "/"));
        Assert.StartsWith("method can't contain control characters. 'GE\\x7fT' (found at least '\\x7f')", e.Message);
        Assert.Empty(factory.AllWritten);
        conn.PutRequest("GET", "/");
        conn.EndHeaders();
        Assert.StartsWith("GET / HTTP/1.1\r\n", Sent(conn, factory));
    }

    [Theory]
    [Trait("CPython-behaviour", "C13")]
    [InlineData("/caf\u00e9")]
    [InlineData("/\u2603")]
    public void NonAsciiUrl_Rejected_NothingSent(string url)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        Assert.ThrowsAny<ArgumentException>(() => conn.Request("GET", url));
        Assert.Empty(factory.AllWritten);
    }

    [Fact]
    [Trait("CPython-behaviour", "C14")]
    public void NonAsciiStringHeaderName_Rejected()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/");
        Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader("X-\u2603", "v"));
    }
}
