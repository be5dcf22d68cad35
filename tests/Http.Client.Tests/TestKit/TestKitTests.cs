using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Http.Client.Tests.TestKit;

/// <summary>The test kit checks itself: a kit that silently misbehaves would make every test above it meaningless.</summary>
public class TestKitTests
{
    private static readonly byte[] Script = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ScriptedTransport_ServesTheScriptInItsSplitMode(ReadSplit split)
    {
        using var t = new ScriptedTransport(Script, split);
        var got = new MemoryStream();
        var buffer = new byte[64];
        var sizes = new System.Collections.Generic.List<int>();
        for (int n; (n = t.Read(buffer, 0, buffer.Length)) > 0;) { got.Write(buffer, 0, n); sizes.Add(n); }
        Assert.Equal(Script, got.ToArray());
        Assert.Equal(0, t.BytesUnread);
        switch (split)
        {
            case ReadSplit.Whole: Assert.Equal(new[] { 64, 64, 64, 8 }, sizes); break;
            case ReadSplit.OneByte: Assert.All(sizes, n => Assert.Equal(1, n)); break;
            default: Assert.True(sizes.Distinct().Count() > 3, "random splits vary"); Assert.All(sizes, n => Assert.InRange(n, 1, 23)); break;
        }
    }

    [Fact]
    public void ScriptedTransport_RandomSplitsAreReproducible()
    {
        int[] Sizes()
        {
            using var t = new ScriptedTransport(Script, ReadSplit.RandomSeed2);
            var buffer = new byte[64];
            return Enumerable.Range(0, 10).Select(_ => t.Read(buffer, 0, 64)).ToArray();
        }
        Assert.Equal(Sizes(), Sizes());
    }

    [Fact]
    public void ScriptedTransport_RecordsWritesAndFailsOnTrigger()
    {
        using var t = new ScriptedTransport(Array.Empty<byte>()) { FailWriteContaining = "BOOM"u8.ToArray() };
        t.Write("ab"u8);
        t.Write("cd"u8.ToArray(), 0, 2);
        Assert.Throws<IOException>(() => t.Write("xxBOOMxx"u8));
        Assert.Equal("abcd"u8.ToArray(), t.Written);
        Assert.Equal(2, t.WriteCount);
    }

    [Fact]
    public void ScriptedTransport_Ends()
    {
        using (var eof = new ScriptedTransport("a"u8.ToArray()))
        {
            Assert.Equal(1, eof.Read(new byte[4], 0, 4));
            Assert.Equal(0, eof.Read(new byte[4], 0, 4));
        }
        using (var strict = new ScriptedTransport("a"u8.ToArray()) { FailOnReadAtEof = true })
        {
            Assert.Equal(1, strict.Read(new byte[4], 0, 4));
            Assert.False(strict.ReadAtEof);
            Assert.Throws<InvalidOperationException>(() => strict.Read(new byte[4], 0, 4));
            Assert.True(strict.ReadAtEof);
        }
        using (var reset = new ScriptedTransport(Array.Empty<byte>()) { End = ScriptEnd.Reset })
        {
            var e = Assert.Throws<IOException>(() => reset.Read(new byte[4], 0, 4));
            Assert.Equal(System.Net.Sockets.SocketError.ConnectionReset, ((System.Net.Sockets.SocketException)e.InnerException!).SocketErrorCode);
        }
    }

    [Fact]
    public async Task ScriptedTransport_HangEndsOnCancelDisposeOrReadTimeout()
    {
        var hang = new ScriptedTransport(Array.Empty<byte>()) { End = ScriptEnd.Hang };
        using (var cts = new CancellationTokenSource(50))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await hang.ReadAsync(new byte[1], cts.Token));
        Task<int> pending = hang.ReadAsync(new byte[1]).AsTask();
        hang.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(hang.IsDisposed);

        using var timed = new ScriptedTransport(Array.Empty<byte>()) { End = ScriptEnd.Hang };
        timed.ReadTimeout = 50;
        Assert.Throws<IOException>(() => timed.Read(new byte[1], 0, 1));
    }

    [Fact]
    public void RecordedRequest_ParsesHeadBodyAndChunks()
    {
        var wire = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1\r\nd\r\n0\r\n\r\nGET /y HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /z HTTP/1.1\r\n\r\n"u8.ToArray();
        var all = RecordedRequest.ParseAll(wire);
        Assert.Equal(new[] { "POST /x HTTP/1.1", "GET /y HTTP/1.1", "GET /z HTTP/1.1" }, all.Select(r => r.RequestLine));
        Assert.Equal("abcd"u8.ToArray(), all[0].ChunkDecodedBody);
        Assert.Equal(new[] { 3, 1 }, Chunked.ChunkSizes(all[0].Body));
        Assert.Equal("h", all[0].Header("HOST"));
        Assert.Equal("hi"u8.ToArray(), all[1].Body);
        Assert.Throws<FormatException>(() => Chunked.Decode("3\r\nabcXY0\r\n\r\n"u8.ToArray()));
        Assert.Throws<FormatException>(() => Chunked.Decode("3\r\nabc\r\n"u8.ToArray()));
    }

    [Fact]
    public async Task LoopbackServer_RecordsAndAnswers()
    {
        await using var server = LoopbackServer.Start(async c =>
        {
            var request = await c.ReadRequestAsync();
            await c.SendInPiecesAsync(request, 3, TimeSpan.FromMilliseconds(1)); // echo
            c.Close();
        });
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(server.EndPoint.Address, server.Port);
        var stream = client.GetStream();
        var request = "PUT / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"u8.ToArray();
        await stream.WriteAsync(request);
        var echo = new MemoryStream();
        await stream.CopyToAsync(echo).WaitAsync(LoopbackServer.DefaultTimeout);
        Assert.Equal(request, echo.ToArray());
        Assert.Equal(request, server.Connections[0].Received);
        Assert.Equal(1, server.ConnectionCount);
        await server.AssertHandlersSucceededAsync();
    }
}
