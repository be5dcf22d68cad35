using System;
using System.Linq;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>Keep-alive and the shared receive buffer (behavior.md C17, docs/differences.md #6).</summary>
public class KeepAliveTests
{
    private static string Response(string body, string extraHeaders = "")
        => $"HTTP/1.1 200 OK\r\n{extraHeaders}Content-Length: {body.Length}\r\n\r\n{body}";

    private const string ChunkedTwo = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n";

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void SeveralRequests_OneTransport_EachRequestIntact(ReadSplit split)
    {
        var factory = new TransportFactory(split, Response("one") + ChunkedTwo + Response("three"));
        using var conn = factory.CreateConnection();
        string[] expected = { "one", "two", "three" };
        for (int i = 0; i < expected.Length; i++)
        {
            conn.Request("POST", $"/r{i}", $"body{i}");
            using var resp = conn.GetResponse();
            Assert.False(resp.WillClose);
            Assert.Equal(Latin1.Bytes(expected[i]), resp.Read());
        }
        Assert.Equal(1, factory.OpenCount);
        var requests = RecordedRequest.ParseAll(factory.Last.Written);
        Assert.Equal(new[] { "POST /r0 HTTP/1.1", "POST /r1 HTTP/1.1", "POST /r2 HTTP/1.1" }, requests.Select(r => r.RequestLine));
        Assert.Equal(new[] { "body0", "body1", "body2" }, requests.Select(r => Latin1.Text(r.Body)));
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void WillClose_NextRequestUsesANewTransport(ReadSplit split)
    {
        var factory = new TransportFactory(split, Response("one", "Connection: close\r\n"), Response("two"));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/1");
        using (var first = conn.GetResponse())
        {
            Assert.True(first.WillClose);
            Assert.Equal("one"u8.ToArray(), first.Read());
        }
        Assert.True(factory.Transports[0].IsDisposed);
        conn.Request("GET", "/2");
        using var second = conn.GetResponse();
        Assert.Equal("two"u8.ToArray(), second.Read());
        Assert.Equal(2, factory.OpenCount);
        Assert.Equal("GET /2 HTTP/1.1", RecordedRequest.Parse(factory.Transports[1].Written).RequestLine);
    }

    [Theory]
    [Trait("Deviation", "6")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PipelinedBytes_ReachTheNextResponse(ReadSplit split)
    {
        // Three responses arrive back to back (in one piece when Whole): none may eat the next one's bytes.
        var factory = new TransportFactory(split, Response("one") + ChunkedTwo + "HTTP/1.1 204 No Content\r\n\r\n" + Response("four"));
        using var conn = factory.CreateConnection();
        foreach (var (path, status, body) in new[] { ("/1", 200, "one"), ("/2", 200, "two"), ("/3", 204, ""), ("/4", 200, "four") })
        {
            conn.Request("GET", path);
            using var resp = conn.GetResponse();
            Assert.Equal(status, resp.Status);
            Assert.Equal(Latin1.Bytes(body), resp.Read());
        }
        Assert.Equal(1, factory.OpenCount);
    }

    [Fact]
    [Trait("Deviation", "6")]
    public async Task PipelinedBytes_OverLoopback_InOneSegment()
    {
        await using var server = LoopbackServer.Start(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync(Response("one") + Response("two")); // both answers in one send, before the 2nd request
            await c.ReadRequestAsync();
            await c.WaitForEofAsync();
        });
        using var conn = server.CreateConnection(TimeSpan.FromSeconds(20));
        conn.Request("GET", "/1");
        using (var first = conn.GetResponse()) Assert.Equal("one"u8.ToArray(), first.Read());
        conn.Request("GET", "/2");
        using (var second = conn.GetResponse()) Assert.Equal("two"u8.ToArray(), second.Read());
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task KeepAlive_OverLoopback_PiecesWithDelays()
    {
        var body = new string('x', 5000);
        await using var server = LoopbackServer.Start(async c =>
        {
            for (int i = 0; i < 3; i++)
            {
                await c.ReadRequestAsync();
                await c.SendInPiecesAsync(Latin1.Bytes(Response(body)), 700, TimeSpan.FromMilliseconds(2));
            }
            await c.WaitForEofAsync();
        });
        using var conn = server.CreateConnection(TimeSpan.FromSeconds(20));
        for (int i = 0; i < 3; i++)
        {
            conn.Request("GET", $"/{i}");
            using var resp = conn.GetResponse();
            Assert.Equal(Latin1.Bytes(body), resp.Read());
        }
        Assert.Equal(1, server.ConnectionCount);
        var requests = RecordedRequest.ParseAll(server.Connections[0].Received);
        Assert.Equal(3, requests.Count);
    }
}
