using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// Timeouts and cancellation (docs/differences.md #4): the exception is TimeoutException /
/// OperationCanceledException, the transport is closed, and the next request auto-opens a new one.
/// </summary>
public class TimeoutAndCancellationTests
{
    /// <summary>The connection timeout under test: short, so the tests stay fast.</summary>
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);

    /// <summary>How long a 300 ms timeout may take to surface on a loaded 2-core machine.</summary>
    private static readonly TimeSpan TimeoutBound = TimeSpan.FromSeconds(10);

    /// <summary>A loopback server that reads each request and never answers.</summary>
    private static LoopbackServer SilentServer() => LoopbackServer.Start(async c =>
    {
        await c.ReadRequestAsync();
        await c.WaitForEofAsync(); // silent until the client gives up
    });

    /// <summary>
    /// A ConnectCallback for one connection: the first transport is a real socket to <paramref name="server"/> (its
    /// connect is not timed, so a loaded machine cannot fail it); later ones come from <paramref name="scripted"/> and
    /// already hold their response, so the recovery half of a test does not depend on scheduling either.
    /// </summary>
    private static Func<System.Net.DnsEndPoint, CancellationToken, ValueTask<Stream>> FirstToServerThenScripted(LoopbackServer server, TransportFactory scripted)
    {
        int opened = 0;
        return async (endPoint, token) =>
        {
            if (Interlocked.Increment(ref opened) > 1) return await scripted.Connect(endPoint, token);
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(server.EndPoint, CancellationToken.None);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        };
    }

    private static void AssertOk(HttpResponse resp)
    {
        Assert.Equal(200, resp.Status);
        Assert.Equal("ok"u8.ToArray(), resp.Read());
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task Timeout_Sync_GetResponse_ThenReusable()
    {
        await using var server = SilentServer();
        var scripted = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = new HttpConnection("127.0.0.1", server.Port, ShortTimeout) { ConnectCallback = FirstToServerThenScripted(server, scripted) };
        conn.Request("GET", "/silent");
        var clock = Stopwatch.StartNew();
        Assert.Throws<TimeoutException>(() => conn.GetResponse());
        Assert.True(clock.Elapsed < TimeoutBound, $"timeout took {clock.Elapsed}");
        Assert.True(await server.Connections[0].WaitForEofAsync(), "the timed-out transport was not closed");

        conn.Request("GET", "/next");
        using var resp = conn.GetResponse();
        AssertOk(resp);
        Assert.Equal(1, scripted.OpenCount);
        Assert.StartsWith("GET /next HTTP/1.1\r\n", Latin1.Text(scripted.Last.Written));
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task Timeout_Async_GetResponse_ThenReusable()
    {
        await using var server = SilentServer();
        var scripted = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = new HttpConnection("127.0.0.1", server.Port, ShortTimeout) { ConnectCallback = FirstToServerThenScripted(server, scripted) };
        await conn.RequestAsync("GET", "/silent");
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(async () => await conn.GetResponseAsync());
        Assert.True(clock.Elapsed < TimeoutBound, $"timeout took {clock.Elapsed}");
        Assert.True(await server.Connections[0].WaitForEofAsync(), "the timed-out transport was not closed");

        await conn.RequestAsync("GET", "/next");
        using var resp = await conn.GetResponseAsync();
        AssertOk(resp);
        Assert.Equal(1, scripted.OpenCount);
    }

    [Theory]
    [Trait("Deviation", "4")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Timeout_BodyRead_ClosesTransport_ThenReusable(bool async)
    {
        var headSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = LoopbackServer.Start(async c =>
        {
            await c.ReadRequestAsync();
            await c.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
            headSent.SetResult();
            await c.WaitForEofAsync();
        });
        var scripted = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = new HttpConnection("127.0.0.1", server.Port, ShortTimeout) { ConnectCallback = FirstToServerThenScripted(server, scripted) };
        conn.Request("GET", "/slow-body");
        // Only the body read is under test: wait until the head is on the wire so a slow server cannot time out GetResponse.
        await headSent.Task.WaitAsync(LoopbackServer.DefaultTimeout);
        using (var resp = conn.GetResponse())
        {
            var clock = Stopwatch.StartNew();
            if (async) await Assert.ThrowsAsync<TimeoutException>(async () => await resp.ReadAsync(CancellationToken.None));
            else Assert.Throws<TimeoutException>(() => resp.Read());
            Assert.True(clock.Elapsed < TimeoutBound, $"timeout took {clock.Elapsed}");
        }
        Assert.True(await server.Connections[0].WaitForEofAsync(), "the timed-out transport was not closed");
        conn.Request("GET", "/next");
        using var next = conn.GetResponse();
        AssertOk(next);
        Assert.Equal(1, scripted.OpenCount);
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task Timeout_DefaultTcpTransport_ClosesTheSocket()
    {
        // The built-in TCP path (no ConnectCallback). Its Timeout also bounds the connect, so it is generous here:
        // a loaded machine must not time out the loopback connect itself.
        var generous = TimeSpan.FromSeconds(2);
        await using var server = SilentServer();
        using var conn = server.CreateConnection(generous);
        conn.Request("GET", "/silent");
        var clock = Stopwatch.StartNew();
        Assert.Throws<TimeoutException>(() => conn.GetResponse());
        Assert.True(clock.Elapsed < generous + TimeoutBound, $"timeout took {clock.Elapsed}");
        Assert.True(await server.Connections[0].WaitForEofAsync(), "the timed-out socket was not closed");
        conn.Request("GET", "/again"); // a new socket: the server sees a second connection with this request
        var second = await server.WaitForConnectionAsync(2);
        await second.ReceiveUntilAsync(all => Latin1.Text(all).StartsWith("GET /again HTTP/1.1\r\n", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Deviation", "4")]
    public void Timeout_AppliesToACallbackTransport()
    {
        var factory = new TransportFactory(i => i == 0
            ? new ScriptedTransport(Array.Empty<byte>()) { End = ScriptEnd.Hang }
            : new ScriptedTransport(Latin1.Bytes(Ok)));
        using var conn = new HttpConnection("example.com", timeout: ShortTimeout) { ConnectCallback = factory.Connect };
        conn.Request("GET", "/silent");
        var clock = Stopwatch.StartNew();
        Assert.Throws<TimeoutException>(() => conn.GetResponse());
        Assert.True(clock.Elapsed < TimeoutBound, $"timeout took {clock.Elapsed}");
        Assert.True(factory.Transports[0].IsDisposed);
        conn.Request("GET", "/next");
        using var resp = conn.GetResponse();
        AssertOk(resp);
        Assert.Equal(2, factory.OpenCount);
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task Cancel_GetResponseAsync_ThenReusable()
    {
        var factory = new TransportFactory(i => i == 0
            ? new ScriptedTransport(Array.Empty<byte>()) { End = ScriptEnd.Hang }
            : new ScriptedTransport(Latin1.Bytes(Ok)));
        using var conn = factory.CreateConnection();
        await conn.RequestAsync("GET", "/silent");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await conn.GetResponseAsync(cts.Token));
        Assert.True(clock.Elapsed < TimeoutBound, $"cancellation took {clock.Elapsed}");
        Assert.True(factory.Transports[0].IsDisposed, "the cancelled transport was not closed");

        await conn.RequestAsync("GET", "/next");
        using var resp = await conn.GetResponseAsync();
        AssertOk(resp);
        Assert.Equal(2, factory.OpenCount);
        Assert.StartsWith("GET /next HTTP/1.1\r\n", Latin1.Text(factory.Transports[1].Written));
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task Cancel_ReadAsync_ThenReusable()
    {
        var factory = new TransportFactory(i => i == 0
            ? new ScriptedTransport(Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf")) { End = ScriptEnd.Hang }
            : new ScriptedTransport(Latin1.Bytes(Ok)));
        using var conn = factory.CreateConnection();
        await conn.RequestAsync("GET", "/slow-body");
        using (var resp = await conn.GetResponseAsync())
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await resp.ReadAsync(cts.Token));
        }
        Assert.True(factory.Transports[0].IsDisposed, "the cancelled transport was not closed");
        await conn.RequestAsync("GET", "/next");
        using var next = await conn.GetResponseAsync();
        AssertOk(next);
        Assert.Equal(2, factory.OpenCount);
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task Cancel_GetResponseAsync_AgainstALoopbackServer()
    {
        await using var server = SilentServer();
        var scripted = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = new HttpConnection("127.0.0.1", server.Port) { ConnectCallback = FirstToServerThenScripted(server, scripted) };
        await conn.RequestAsync("GET", "/silent");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await conn.GetResponseAsync(cts.Token));
        Assert.True(await server.Connections[0].WaitForEofAsync(), "the cancelled transport was not closed");
        await conn.RequestAsync("GET", "/next");
        using var resp = await conn.GetResponseAsync();
        AssertOk(resp);
        Assert.Equal(1, scripted.OpenCount);
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task AlreadyCancelledToken_SendsNothing()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = factory.CreateConnection();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await conn.RequestAsync("GET", "/", cancellationToken: cts.Token));
        Assert.Empty(factory.AllWritten);
        await conn.RequestAsync("GET", "/next");
        using var resp = await conn.GetResponseAsync();
        AssertOk(resp);
    }
}
