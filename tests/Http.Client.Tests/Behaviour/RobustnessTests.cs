using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// Timeouts and cancellation in the other phases (connect, send: docs/differences.md #4), big heads and bodies
/// across buffer boundaries, and mixed read styles on one body.
/// </summary>
public class RobustnessTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static void AssertOk(HttpConnection conn, string path = "/next")
    {
        conn.Request("GET", path);
        using var resp = conn.GetResponse();
        Assert.Equal("ok"u8.ToArray(), resp.Read());
    }

    /// <summary>A ConnectCallback whose first call never completes (until cancelled); later calls use <paramref name="then"/>.</summary>
    private static Func<System.Net.DnsEndPoint, CancellationToken, ValueTask<Stream>> HangingFirstConnect(TransportFactory then)
    {
        int calls = 0;
        return async (endPoint, token) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(ScriptedTransport.HangLimit, token);
                throw new IOException("connect callback: hang limit reached");
            }
            return await then.Connect(endPoint, token);
        };
    }

    [Fact]
    [Trait("Deviation", "4")]
    public void ConnectTimeout_TimeoutException_ThenReconnects()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = new HttpConnection("example.com", timeout: ShortTimeout) { ConnectCallback = HangingFirstConnect(factory) };
        var clock = Stopwatch.StartNew();
        Assert.Throws<TimeoutException>(() => conn.Request("GET", "/"));
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        AssertOk(conn);
        Assert.Equal(1, factory.OpenCount);
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task ConnectCancelled_OperationCanceled_ThenReconnects()
    {
        var factory = new TransportFactory(Latin1.Bytes(Ok));
        using var conn = new HttpConnection("example.com") { ConnectCallback = HangingFirstConnect(factory) };
        using var cts = new CancellationTokenSource(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await conn.RequestAsync("GET", "/", cancellationToken: cts.Token));
        await conn.RequestAsync("GET", "/next");
        using var resp = await conn.GetResponseAsync();
        Assert.Equal("ok"u8.ToArray(), await resp.ReadAsync());
    }

    [Theory]
    [Trait("Deviation", "4")]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendTimeout_TimeoutException_TransportClosed_ThenReconnects(bool async)
    {
        var factory = new TransportFactory(i => i == 0
            ? new ScriptedTransport(Array.Empty<byte>()) { HangWriteContaining = "STUCK"u8.ToArray() }
            : new ScriptedTransport(Latin1.Bytes(Ok)));
        using var conn = new HttpConnection("example.com", timeout: ShortTimeout) { ConnectCallback = factory.Connect };
        var clock = Stopwatch.StartNew();
        if (async) await Assert.ThrowsAsync<TimeoutException>(async () => await conn.RequestAsync("POST", "/", "STUCK"));
        else Assert.Throws<TimeoutException>(() => conn.Request("POST", "/", "STUCK"));
        Assert.True(clock.Elapsed < Bound, $"took {clock.Elapsed}");
        Assert.True(factory.Transports[0].IsDisposed, "the timed-out transport was not closed");
        AssertOk(conn);
        Assert.Equal(2, factory.OpenCount);
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task SendCancelled_OperationCanceled_TransportClosed_ThenReconnects()
    {
        var factory = new TransportFactory(i => i == 0
            ? new ScriptedTransport(Array.Empty<byte>()) { HangWriteContaining = "STUCK"u8.ToArray() }
            : new ScriptedTransport(Latin1.Bytes(Ok)));
        using var conn = factory.CreateConnection();
        using var cts = new CancellationTokenSource(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await conn.RequestAsync("POST", "/", "STUCK", cancellationToken: cts.Token));
        Assert.True(factory.Transports[0].IsDisposed, "the cancelled transport was not closed");
        AssertOk(conn);
    }

    [Fact]
    [Trait("Deviation", "4")]
    public async Task StreamReadAsyncCancelled_ThenReconnects()
    {
        var factory = new TransportFactory(i => i == 0
            ? new ScriptedTransport(Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf")) { End = ScriptEnd.Hang }
            : new ScriptedTransport(Latin1.Bytes(Ok)));
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/");
        using (var resp = conn.GetResponse())
        {
            var buffer = new byte[10];
            Assert.Equal(4, await resp.ReadAsync(buffer.AsMemory(0, 4)));
            using var cts = new CancellationTokenSource(200);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await resp.ReadAsync(buffer.AsMemory(4), cts.Token));
        }
        Assert.True(factory.Transports[0].IsDisposed);
        AssertOk(conn);
    }

    public static IEnumerable<object[]> BigBodyCases =>
        from chunked in new[] { false, true }
        from split in new[] { ReadSplit.Whole, ReadSplit.RandomSeed1 }
        select new object[] { chunked, split };

    [Theory]
    [MemberData(nameof(BigBodyCases))]
    public void BigBody_RandomReadSizes_Intact(bool chunked, ReadSplit split)
    {
        var random = new Random(42);
        var body = new byte[300_000];
        random.NextBytes(body);
        var script = new MemoryStream();
        if (chunked)
        {
            script.Write(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
            for (int offset = 0; offset < body.Length;)
            {
                int n = Math.Min(body.Length - offset, random.Next(1, 20_000));
                script.Write(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
                script.Write(body, offset, n);
                script.Write("\r\n"u8);
                offset += n;
            }
            script.Write("0\r\n\r\n"u8);
        }
        else
        {
            script.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n"));
            script.Write(body);
        }
        script.Write(Latin1.Bytes(Ok));
        var factory = new TransportFactory(split, script.ToArray());
        using var conn = factory.CreateConnection();
        conn.Request("GET", "/");
        var got = new MemoryStream();
        using (var resp = conn.GetResponse())
        {
            for (int turn = 0; turn < 1_000_000; turn++)
            {
                byte[] piece;
                switch (turn % 4)
                {
                    case 0: piece = resp.Read(random.Next(0, 5000)); break;
                    case 1:
                        var buffer = new byte[random.Next(1, 5000)];
                        piece = buffer[..resp.Read(buffer, 0, buffer.Length)];
                        break;
                    case 2: piece = resp.Read1(random.Next(1, 5000)); break;
                    default: piece = resp.ReadLine(random.Next(1, 5000)); break;
                }
                got.Write(piece);
                if (got.Length == body.Length) break;
                Assert.True(got.Length < body.Length);
            }
            Assert.Empty(resp.Read());
        }
        Assert.Equal(body, got.ToArray());
        AssertOk(conn);
        Assert.Equal(1, factory.OpenCount);
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void BigHead_ManyLongHeaders_Parsed(ReadSplit split)
    {
        // 99 header lines of about 60 KB each: several MB of head, far past any receive buffer, each line under the limit.
        var head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 98; i++) head.Append($"X-{i}: ").Append((char)('a' + i % 26), 60_000).Append("\r\n");
        head.Append("Content-Length: 2\r\n\r\nok");
        using var ex = Exchange.Begin(head.ToString(), split);
        Assert.Equal(99, ex.Response.GetHeaders().Count);
        Assert.Equal(new string('z', 60_000), ex.Response.GetHeader("X-25"));
        Assert.Equal("ok"u8.ToArray(), ex.Response.Read());
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void MixedReadStyles_OnOneChunkedBody(ReadSplit split)
    {
        using var ex = Exchange.Begin(Fixtures.ChunkedStart + Fixtures.LastChunk + Fixtures.ChunkedEnd, split);
        var r = ex.Response;
        var got = new List<byte>();
        var peeked = r.Peek(1);
        Assert.NotEmpty(peeked);
        Assert.Equal((byte)'h', peeked[0]);
        got.AddRange(r.Read(3));                       // "hel"
        got.AddRange(r.ReadLine(4));                   // "lo w"
        var b = new byte[5];
        int n = r.Read(b, 0, 5);
        got.AddRange(b[..n]);
        got.AddRange(r.Read1(6));
        got.AddRange(r.Read());
        Assert.Equal(Fixtures.ChunkedExpected, Latin1.Text(got.ToArray()));
        Assert.True(r.IsClosed);
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Peek_NeverReturnsMoreThanTheChunkOrTheBody(ReadSplit split)
    {
        using (var ex = Exchange.Begin(Fixtures.ChunkedStart + Fixtures.LastChunk + Fixtures.ChunkedEnd + Fixtures.NextResponse, split))
        {
            var p = ex.Response.Peek(100);
            Assert.InRange(p.Length, 0, 10); // the first chunk is 10 bytes
            Assert.Equal(Latin1.Bytes("hello worl")[..p.Length], p);
        }
        using (var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nText" + Fixtures.NextResponse, split))
        {
            var p = ex.Response.Peek(100);
            Assert.InRange(p.Length, 0, 4); // docs/differences.md #6: never a byte of the next response
            Assert.Equal(Latin1.Bytes("Text")[..p.Length], p);
        }
    }

    /// <summary>Fuzz finding 4: a Peek()/Read1(n) loop must not copy the whole 64 KiB window on every call.</summary>
    [Fact]
    public void Peek_ReturnsAtMostCPythonsReadBuffer()
    {
        string body = new string('x', 30_000);
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 30000\r\n\r\n" + body, ReadSplit.Whole);
        int total = 0;
        for (int i = 0; i < 10_000 && total < body.Length; i++)
        {
            byte[] peeked = ex.Response.Peek();
            Assert.InRange(peeked.Length, 1, 8192);
            total += ex.Response.Read1(4096).Length;
        }
        Assert.Equal(body.Length, total);
    }
}
