using System;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Behaviour;

/// <summary>Connect, close and dispose (behavior.md C9, C10, C17).</summary>
public class LifecycleTests
{
    [Fact]
    [Trait("CPython-behaviour", "C9")]
    public async Task ExplicitConnect_IsUsedByTheRequest()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok + Ok));
        using var conn = factory.CreateConnection();
        conn.Connect();
        Assert.Equal(1, factory.OpenCount);
        Assert.Equal(new System.Net.DnsEndPoint("example.com", 80).ToString(), factory.Endpoints[0].ToString());
        conn.Request("GET", "/");
        using (var resp = conn.GetResponse()) Assert.Equal("ok"u8.ToArray(), resp.Read());
        await conn.RequestAsync("GET", "/2");
        using (var resp = await conn.GetResponseAsync()) Assert.Equal("ok"u8.ToArray(), resp.Read());
        Assert.Equal(1, factory.OpenCount);
    }

    [Fact]
    [Trait("CPython-behaviour", "C9")]
    public async Task ConnectAsync_OpensOnce()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        await using var conn = factory.CreateConnection();
        await conn.ConnectAsync();
        await conn.RequestAsync("GET", "/");
        using var resp = await conn.GetResponseAsync();
        Assert.Equal("ok"u8.ToArray(), await resp.ReadAsync());
        Assert.Equal(1, factory.OpenCount);
    }

    [Fact]
    [Trait("CPython-behaviour", "C10")]
    public void Close_ClosesTransportAndPendingResponse_NextRequestReopens()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok), Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/");
        var pending = conn.GetResponse();
        conn.Close();
        Assert.True(factory.Transports[0].IsDisposed);
        Assert.False(pending.CanRead, "close() closes the pending response (CPython: its closed becomes True)");
        conn.Close(); // idempotent
        conn.Request("GET", "/again");
        using var resp = conn.GetResponse();
        Assert.Equal("ok"u8.ToArray(), resp.Read());
        Assert.Equal(2, factory.OpenCount);
    }

    [Fact]
    [Trait("CPython-behaviour", "C10")]
    public void Close_DoesNotTouchAHandedOffWillCloseResponse()
    {
        var factory = new TransportFactory(Latin1.Bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello"));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/");
        using var resp = conn.GetResponse();
        conn.Close();
        Assert.Equal("hello"u8.ToArray(), resp.Read());
        resp.Dispose();
        Assert.True(factory.Transports[0].IsDisposed);
    }

    [Fact]
    public void Dispose_ClosesEverything_Twice()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        var conn = factory.CreateConnection();
        conn.Request("GET", "/");
        var resp = conn.GetResponse();
        conn.Dispose();
        conn.Dispose();
        Assert.True(factory.Transports[0].IsDisposed);
        resp.Dispose();
    }
}
