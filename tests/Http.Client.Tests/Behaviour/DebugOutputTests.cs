using System;
using System.IO;
using System.Linq;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>Debug output at DebugLevel 1: the exact lines of behavior.md section F, into DebugOutput.</summary>
public class DebugOutputTests
{
    private static string[] Lines(StringWriter output)
        => output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

    [Fact]
    [Trait("CPython-behaviour", "F")]
    public void ChunkedRequest_100Continue_Then200_ExactLines()
    {
        var factory = new TransportFactory(Latin1.Bytes(
            "HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\nB: 2\r\n\r\nabc"));
        using var conn = factory.CreateConnection();
        var output = new StringWriter();
        conn.DebugOutput = output;
        conn.SetDebugLevel(1);
        Assert.Equal(1, conn.DebugLevel);
        conn.Request("POST", "/p", RequestBody.FromChunks(new[] { "a"u8.ToArray(), Array.Empty<byte>(), "b"u8.ToArray() }));
        using var resp = conn.GetResponse();
        Assert.Equal("abc"u8.ToArray(), resp.Read());

        var lines = Lines(output);
        Assert.StartsWith("Unable to determine size of ", lines[0]);
        Assert.Equal(new[]
        {
            @"send: b'POST /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n'",
            @"send: b'1\r\na\r\n'",
            "Zero length chunk ignored",
            @"send: b'1\r\nb\r\n'",
            @"send: b'0\r\n\r\n'",
            @"reply: 'HTTP/1.1 100 Continue\r\n'",
            @"headers: [b'X-A: 1\r\n', b'\r\n']",
            @"reply: 'HTTP/1.1 200 OK\r\n'",
            "header: Content-Length: 3",
            "header: B: 2",
        }, lines[1..]);
    }

    [Fact]
    [Trait("CPython-behaviour", "F")]
    public void Get_ExactLines()
    {
        var factory = new TransportFactory(Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        using var conn = factory.CreateConnection();
        var output = new StringWriter();
        conn.DebugOutput = output;
        conn.DebugLevel = 1;
        conn.Request("GET", "/q");
        using var resp = conn.GetResponse();
        Assert.Equal(new[]
        {
            @"send: b'GET /q HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n'",
            @"reply: 'HTTP/1.1 200 OK\r\n'",
            "header: Content-Length: 0",
        }, Lines(output));
    }

    [Fact]
    [Trait("CPython-behaviour", "F")]
    public void ReprEscapes_NonAsciiBytesAndQuotes()
    {
        var factory = new TransportFactory(Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        using var conn = factory.CreateConnection();
        var output = new StringWriter();
        conn.DebugOutput = output;
        conn.SetDebugLevel(1);
        conn.Request("GET", "/q", headers: new[] { new System.Collections.Generic.KeyValuePair<string, string>("X-Y", "z\u00ff'\t\\") });
        var first = Lines(output)[0];
        Assert.Equal(@"send: b""GET /q HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nX-Y: z\xff'\t\\\r\n\r\n""", first);
    }

    [Fact]
    [Trait("CPython-behaviour", "F")]
    public void DebugLevel0_WritesNothing()
    {
        var factory = new TransportFactory(Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        using var conn = factory.CreateConnection();
        var output = new StringWriter();
        conn.DebugOutput = output;
        conn.Request("GET", "/q");
        using var resp = conn.GetResponse();
        Assert.Equal("", output.ToString());
    }
}
