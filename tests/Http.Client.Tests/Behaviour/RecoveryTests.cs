using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// The state machine (behavior.md C12) and the deliberate recovery differences 1-5 of the README (Differences from CPython):
/// each failure is followed by a request that must go out clean and succeed.
/// </summary>
public class RecoveryTests
{
    /// <summary>Sends GET /next and asserts that exactly that request is on the newest transport, then reads "ok".</summary>
    private static void AssertNextRequestClean(HttpConnection conn, TransportFactory factory, int expectedTransports)
    {
        conn.Request("GET", "/next");
        Assert.Equal(expectedTransports, factory.OpenCount);
        var requests = RecordedRequest.ParseAll(factory.Last.Written);
        Assert.Equal("GET /next HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n", Latin1.Text(requests[^1].Head));
        using var resp = conn.GetResponse();
        Assert.Equal(200, resp.Status);
        Assert.Equal("ok"u8.ToArray(), resp.Read());
    }

    // ---- docs/differences.md #1: a rejected request leaves nothing behind ----

    public static IEnumerable<object[]> RejectedRequests => new[]
    {
        new object[] { "bad method", (Action<HttpConnection>)(c => c.Request("GET\r\n", "/")) },
        new object[] { "bad url", (Action<HttpConnection>)(c => c.Request("GET", "/a b")) },
        new object[] { "bad header name", (Action<HttpConnection>)(c => c.Request("GET", "/", headers: new[] { H("X-Good", "1"), H("Bad:Name", "v") })) },
        new object[] { "bad header value", (Action<HttpConnection>)(c => c.Request("GET", "/", headers: new[] { H("X-Good", "1"), H("X-Bad", "v\r\n") })) },
        new object[] { "non-latin-1 header value", (Action<HttpConnection>)(c => c.Request("GET", "/", headers: new[] { H("X-Good", "1"), H("X-Wide", "\u0101") })) },
        new object[] { "non-latin-1 body", (Action<HttpConnection>)(c => c.Request("POST", "/", "\u0101", new[] { H("X-Good", "1") })) },
    };

    [Theory]
    [Trait("Deviation", "1")]
    [MemberData(nameof(RejectedRequests))]
    public void RejectedRequest_SendsNothing_NextRequestIsClean(string why, Action<HttpConnection> reject)
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        var e = Assert.ThrowsAny<Exception>(() => reject(conn));
        Assert.True(e is ArgumentException or InvalidUrlException, $"{why}: {e.GetType().Name}: {e.Message}");
        Assert.Empty(factory.AllWritten);
        AssertNextRequestClean(conn, factory, 1);
    }

    [Fact]
    [Trait("Deviation", "1")]
    public void RejectedRequest_OnAnOpenConnection_NextRequestIsClean()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok + Ok));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/first");
        using (var first = conn.GetResponse()) Assert.Equal("ok"u8.ToArray(), first.Read());
        Assert.ThrowsAny<ArgumentException>(() => conn.Request("GET", "/", headers: new[] { H("X-Good", "1"), H("X-Bad", "a\nb") }));
        AssertNextRequestClean(conn, factory, 1);
        Assert.Equal(2, RecordedRequest.ParseAll(factory.Last.Written).Count);
    }

    [Fact]
    [Trait("Deviation", "1")]
    public void NonLatin1HeaderValue_NamesTheHeader()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        var e = Assert.ThrowsAny<ArgumentException>(() => conn.Request("GET", "/", headers: new[] { H("X-Wide", "a\u0101") }));
        Assert.Contains("X-Wide", e.Message);
    }

    [Fact]
    [Trait("Deviation", "1")]
    public void NonLatin1Body_FriendlyMessage()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        var e = Assert.ThrowsAny<ArgumentException>(() => conn.Request("POST", "/", "\u0101"));
        // behavior.md B.3: the reason names the body and suggests UTF-8.
        Assert.Contains("Body ('\u0101') is not valid Latin-1. Use body.encode('utf-8') if you want to send it encoded in UTF-8.", e.Message);
    }

    [Fact]
    [Trait("Deviation", "1")]
    public void PutRequestRejected_StateIsIdle()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        Assert.Throws<InvalidUrlException>(() => conn.PutRequest("GET", "/x\x7f"));
        conn.PutRequest("GET", "/next"); // no CannotSendRequest: the state went back to Idle
        conn.EndHeaders();
        Assert.Equal("GET /next HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n", Latin1.Text(factory.Last.Written));
    }

    [Fact]
    [Trait("Deviation", "1")]
    public void PutHeaderRejected_EarlierHeadersStay_RequestContinues()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/p");
        conn.PutHeader("X-Before", "1");
        Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader("X-Bad", "a\rb"));
        conn.PutHeader("X-After", "2");
        conn.EndHeaders();
        Assert.Equal("GET /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nX-Before: 1\r\nX-After: 2\r\n\r\n", Latin1.Text(factory.Last.Written));
        using var resp = conn.GetResponse();
        Assert.Equal(200, resp.Status);
    }

    [Fact]
    [Trait("Deviation", "1")]
    public void Close_DiscardsThePendingHead()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok), Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        conn.PutRequest("GET", "/abandoned");
        conn.PutHeader("X-Stale", "1");
        conn.Close();
        conn.Request("GET", "/next");
        Assert.Equal("GET /next HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n", Latin1.Text(factory.AllWritten));
    }

    // ---- C12: the state machine's errors and their messages ----

    [Fact]
    [Trait("CPython-behaviour", "C12")]
    public void StateErrors_CarryTheState()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        var notReady = Assert.Throws<ResponseNotReadyException>(() => conn.GetResponse());
        Assert.Equal("Idle", notReady.Message);
        Assert.Throws<CannotSendHeaderException>(() => conn.PutHeader("X", "1"));
        Assert.Throws<CannotSendHeaderException>(() => conn.EndHeaders());
        conn.PutRequest("GET", "/");
        var started = Assert.Throws<CannotSendRequestException>(() => conn.PutRequest("GET", "/"));
        Assert.Equal("Request-started", started.Message);
        var notReady2 = Assert.Throws<ResponseNotReadyException>(() => conn.GetResponse());
        Assert.Equal("Request-started", notReady2.Message);
        conn.EndHeaders();
        var sent = Assert.Throws<CannotSendRequestException>(() => conn.Request("GET", "/"));
        Assert.Equal("Request-sent", sent.Message);
        Assert.Throws<CannotSendHeaderException>(() => conn.PutHeader("X", "1"));
        using var resp = conn.GetResponse();
        Assert.Equal("ok"u8.ToArray(), resp.Read());
    }

    [Fact]
    [Trait("CPython-behaviour", "C12")]
    public void Pipelining_SecondRequestAllowed_GetResponseWaitsForTheFirstBody()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok + "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo"));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/1");
        using var first = conn.GetResponse();
        conn.Request("GET", "/2");
        var e = Assert.Throws<ResponseNotReadyException>(() => conn.GetResponse());
        Assert.Equal("Request-sent", e.Message);
        Assert.Equal("ok"u8.ToArray(), first.Read());
        using var second = conn.GetResponse();
        Assert.Equal("two"u8.ToArray(), second.Read());
        Assert.Equal(1, factory.OpenCount);
    }

    // ---- docs/differences.md #2: a failed connect returns to Idle ----

    [Fact]
    [Trait("Deviation", "2")]
    public void FailedConnect_NextRequestReconnects()
    {
        int attempts = 0;
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = new HttpConnection("example.com")
        {
            ConnectCallback = (endPoint, ct) => ++attempts == 1
                ? throw new IOException("connection refused (scripted)")
                : factory.Connect(endPoint, ct),
        };
        Assert.ThrowsAny<IOException>(() => conn.Request("GET", "/first"));
        AssertNextRequestClean(conn, factory, 1);
        Assert.Equal(2, attempts);
    }

    [Fact]
    [Trait("Deviation", "2")]
    public async Task FailedConnect_RefusedPort_NextRequestReconnects()
    {
        using var refusing = new RefusingPort();
        await using var server = LoopbackServer.Serve(Ok);
        int port = refusing.Port;
        using var conn = new HttpConnection("127.0.0.1", null, TimeSpan.FromSeconds(20))
        {
            ConnectCallback = async (endPoint, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try { await socket.ConnectAsync(IPAddress.Loopback, port, ct); }
                catch { socket.Dispose(); throw; }
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        var e = Assert.ThrowsAny<Exception>(() => conn.Request("GET", "/"));
        Assert.True(e is IOException or System.Net.Sockets.SocketException, e.ToString());
        port = server.Port;
        conn.Request("GET", "/next");
        using var resp = conn.GetResponse();
        Assert.Equal("ok"u8.ToArray(), resp.Read());
    }

    // ---- docs/differences.md #3: a failed write keeps CPython's Request-sent ----

    [Fact]
    [Trait("Deviation", "3")]
    public void FailedWrite_StateStaysRequestSent_ResponseStillReadable()
    {
        var factory = new TransportFactory(_ => new ScriptedTransport(Latin1.Bytes("HTTP/1.1 401 No\r\nContent-Length: 0\r\n\r\n")) { FailWriteContaining = "X-Trigger"u8.ToArray() });
        using var conn = factory.CreateConnection();
        Assert.ThrowsAny<IOException>(() => conn.Request("GET", "/", headers: new[] { H("X-Trigger", "1") }));
        var e = Assert.Throws<CannotSendRequestException>(() => conn.Request("GET", "/again"));
        Assert.Equal("Request-sent", e.Message);
        using var resp = conn.GetResponse();
        Assert.Equal(401, resp.Status);
    }

    // ---- docs/differences.md #5: a protocol error in GetResponse closes the transport ----

    public static IEnumerable<object[]> ProtocolErrors => new[]
    {
        new object[] { "HTTP/1.1 abc OK\r\n\r\n", typeof(BadStatusLineException) },
        new object[] { "ICY 200 OK\r\n\r\n", typeof(BadStatusLineException) },
        new object[] { "HTTP/2.0 200 OK\r\n\r\n", typeof(UnknownProtocolException) },
        new object[] { "HTTP/1.1 200 OK\r\nX: " + new string('x', 70000) + "\r\n\r\n", typeof(LineTooLongException) },
        new object[] { "HTTP/1.1 200 OK\r\n" + string.Concat(System.Linq.Enumerable.Repeat("A: b\r\n", 100)) + "\r\n", typeof(HttpException) },
    };

    [Theory]
    [Trait("Deviation", "5")]
    [MemberData(nameof(ProtocolErrors))]
    public void ProtocolError_ClosesTransport_NextRequestUsesANewOne(string badResponse, Type expected)
    {
        var factory = new TransportFactory(Latin1.Bytes(badResponse + Ok), Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/first");
        var e = Assert.ThrowsAny<HttpException>(() => conn.GetResponse());
        Assert.IsType(expected, e);
        Assert.True(factory.Transports[0].IsDisposed, "transport kept after a protocol error");
        AssertNextRequestClean(conn, factory, 2);
    }

    [Fact]
    [Trait("CPython-behaviour", "D3")]
    public void HeaderLimit_99Accepted_100Rejected()
    {
        string Block(int n) => "HTTP/1.1 200 OK\r\n" + string.Concat(System.Linq.Enumerable.Range(0, n).Select(i => $"H{i}: v\r\n")) + "Content-Length: 0\r\n\r\n";
        using (var ok = Exchange.Begin(Block(98))) Assert.Equal("v", ok.Response.GetHeader("H97"));
        using var bad = Exchange.Open(Block(99));
        Assert.Equal("got more than 100 headers", Assert.Throws<HttpException>(() => bad.GetResponse()).Message);
    }

    // ---- docs/differences.md #13: disposing an unread response closes the transport ----

    [Fact]
    [Trait("Deviation", "13")]
    public void DisposingUnreadResponse_NextRequestOpensANewTransport()
    {
        var factory = new TransportFactory(Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + Ok), Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/first");
        conn.GetResponse().Dispose();
        Assert.True(factory.Transports[0].IsDisposed);
        AssertNextRequestClean(conn, factory, 2);
    }

    [Fact]
    [Trait("Deviation", "13")]
    public void DisposingFullyReadResponse_KeepsTheConnection()
    {
        var factory = new TransportFactory(Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + Ok));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/first");
        using (var first = conn.GetResponse()) Assert.Equal("hello"u8.ToArray(), first.Read());
        Assert.False(factory.Transports[0].IsDisposed);
        AssertNextRequestClean(conn, factory, 1);
    }

    [Fact]
    [Trait("Deviation", "14")]
    public void AfterClose_PythonReadsAreEmpty_StreamReadsThrow()
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        ex.Response.Close();
        Assert.Empty(ex.Response.Read());
        Assert.Empty(ex.Response.Read(3));
        Assert.Empty(ex.Response.ReadLine());
        Assert.Empty(ex.Response.Peek());
        Assert.Empty(ex.Response.Read1());
        Assert.Throws<ObjectDisposedException>(() => ex.Response.Read(new byte[4], 0, 4));
    }

    [Fact]
    [Trait("Deviation", "16")]
    public void RemoteDisconnected_IsAnIOExceptionAndABadStatusLine()
    {
        using var ex = Exchange.Open("");
        var e = Assert.Throws<RemoteDisconnectedException>(() => ex.GetResponse());
        Assert.IsAssignableFrom<BadStatusLineException>(e);
        Assert.IsAssignableFrom<HttpException>(e);
        Assert.IsAssignableFrom<IOException>(e);
    }
}
