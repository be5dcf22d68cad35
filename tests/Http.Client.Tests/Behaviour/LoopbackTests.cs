using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>The default TCP transport against loopback servers (IPv4 and IPv6).</summary>
public class LoopbackTests
{
    [Fact]
    [Trait("CPython-behaviour", "C13")]
    public async Task Ipv6Loopback_BracketedHostHeader()
    {
        if (!Socket.OSSupportsIPv6) throw new InvalidOperationException("the test machine has no IPv6 loopback");
        await using var server = LoopbackServer.ServeOn(IPAddress.IPv6Loopback, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        using var conn = new HttpConnection($"[::1]:{server.Port}");
        Assert.Equal("::1", conn.Host);
        conn.Request("GET", "/v6");
        using var resp = conn.GetResponse();
        Assert.Equal("ok"u8.ToArray(), resp.Read());
        var request = RecordedRequest.Parse(server.Connections[0].Received);
        Assert.Equal($"[::1]:{server.Port}", request.Header("Host"));
        Assert.Equal(AddressFamily.InterNetworkV6, server.Connections[0].RemoteEndPoint.AddressFamily);
    }

    [Fact]
    public async Task Ipv4Loopback_ExactRequestBytes()
    {
        await using var server = LoopbackServer.Serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        using var conn = new HttpConnection("127.0.0.1", server.Port);
        conn.Request("POST", "/p", "body");
        using var resp = conn.GetResponse();
        Assert.Equal("ok"u8.ToArray(), resp.Read());
        Assert.Equal(
            $"POST /p HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nAccept-Encoding: identity\r\nContent-Length: 4\r\n\r\nbody",
            Latin1.Text(server.Connections[0].Received));
    }

    [Fact]
    [Trait("Deviation", "2")]
    public void RefusedConnect_IsAnIOException_AndTheNextRequestTriesAgain()
    {
        // DESIGN.md: OSError (here ConnectionRefusedError) maps to IOException.
        using var refusing = new RefusingPort();
        using var conn = new HttpConnection("127.0.0.1", refusing.Port, TimeSpan.FromSeconds(20));
        var first = Assert.ThrowsAny<Exception>(() => conn.Request("GET", "/"));
        // docs/differences.md #2: the state is Idle again, so the next request reconnects (and is refused again)
        // instead of failing with CannotSendRequest.
        var second = Assert.ThrowsAny<Exception>(() => conn.Request("GET", "/"));
        Assert.IsNotType<CannotSendRequestException>(second);
        Assert.True(first is IOException, $"expected IOException, got {first.GetType().FullName}: {first.Message}");
    }

    [Fact]
    public async Task ServerCloseAfterResponse_NextRequestReconnects()
    {
        await using var server = LoopbackServer.Serve("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
        using var conn = server.CreateConnection(TimeSpan.FromSeconds(20));
        for (int i = 0; i < 3; i++)
        {
            conn.Request("GET", $"/{i}");
            using var resp = conn.GetResponse();
            Assert.Equal("ok"u8.ToArray(), resp.Read());
        }
        Assert.Equal(3, server.ConnectionCount);
    }

    [Fact]
    public async Task KeptAliveConnectionClosedByServer_RemoteDisconnected_ThenReconnects()
    {
        // The server answers once, then closes while the client believes the connection is kept alive.
        await using var server = LoopbackServer.Serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        using var conn = server.CreateConnection(TimeSpan.FromSeconds(20));
        conn.Request("GET", "/1");
        using (var first = conn.GetResponse()) Assert.Equal("ok"u8.ToArray(), first.Read());
        await server.AssertHandlersSucceededAsync(); // the server has closed its side
        Exception? failure = null;
        try
        {
            conn.Request("GET", "/2");
            conn.GetResponse().Dispose();
        }
        catch (Exception e) { failure = e; }
        Assert.True(failure is IOException, $"expected an IOException (RemoteDisconnected or a reset), got {failure}");
        conn.Request("GET", "/3");
        using var third = conn.GetResponse();
        Assert.Equal("ok"u8.ToArray(), third.Read());
        Assert.Equal(2, server.ConnectionCount);
    }
}
