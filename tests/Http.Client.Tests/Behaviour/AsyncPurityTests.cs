using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// DESIGN.md: sync and async share one implementation, with async/await beside every blocking call. The async API
/// must never fall back to synchronous I/O on the transport or the request body (that would block a thread-pool
/// thread), and the sync API without a timeout must not go through async I/O.
/// </summary>
public class AsyncPurityTests
{
    /// <summary>A body stream that only supports asynchronous reads.</summary>
    private sealed class AsyncOnlyStream : UnseekableStream
    {
        private readonly MemoryStream _inner;
        public AsyncOnlyStream(byte[] content) => _inner = new MemoryStream(content);
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("synchronous body Read on an async path");
        public override int Read(Span<byte> buffer) => throw new InvalidOperationException("synchronous body Read on an async path");
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return _inner.Read(buffer.Span);
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private const string Responses =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nline1\nline2\n" +
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" +
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    [Theory]
    [InlineData(ReadSplit.Whole)]
    [InlineData(ReadSplit.OneByte)]
    public async Task AsyncApi_UsesOnlyAsyncIo(ReadSplit split)
    {
        var factory = new TransportFactory(_ => new ScriptedTransport(Latin1.Bytes(Responses), split) { SyncIoForbidden = true });
        await using var conn = factory.CreateConnection();
        await conn.ConnectAsync();

        await conn.RequestAsync("PUT", "/stream", new AsyncOnlyStream(new byte[20_000]));
        using (var resp = await conn.GetResponseAsync())
        {
            Assert.Equal("line1\n"u8.ToArray(), await resp.ReadLineAsync());
            Assert.Equal("line2\n"u8.ToArray(), await resp.ReadAsync(100));
        }
        await conn.RequestAsync("POST", "/chunks", RequestBody.FromChunks(AsyncPieces()));
        using (var resp = await conn.GetResponseAsync())
        {
            var buffer = new byte[16];
            int n = await resp.ReadAsync(buffer.AsMemory());
            Assert.InRange(n, 1, 5);
            Assert.Equal("hello"u8.ToArray()[..n], buffer[..n]);
            _ = await resp.ReadAsync();
        }
        conn.PutRequest("POST", "/steps");
        conn.PutHeader("Content-Length", "3");
        await conn.EndHeadersAsync();
        await conn.SendAsync("abc"u8.ToArray());
        using (var resp = await conn.GetResponseAsync())
            Assert.Equal("ok"u8.ToArray(), await resp.ReadAsync());
        Assert.Equal(1, factory.OpenCount);
        Assert.Equal(3, RecordedRequest.ParseAll(factory.Last.Written).Count);
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> AsyncPieces()
    {
        await Task.Yield();
        yield return "piece"u8.ToArray();
    }

    [Theory]
    [InlineData(ReadSplit.Whole)]
    [InlineData(ReadSplit.OneByte)]
    public void SyncApi_WithoutTimeout_UsesOnlySyncIo(ReadSplit split)
    {
        var factory = new TransportFactory(_ => new ScriptedTransport(Latin1.Bytes(Responses), split) { AsyncIoForbidden = true });
        using var conn = factory.CreateConnection();
        conn.Request("PUT", "/stream", new MemoryStream(new byte[20_000]));
        using (var resp = conn.GetResponse())
        {
            Assert.Equal("line1\n"u8.ToArray(), resp.ReadLine());
            Assert.Equal("line2\n"u8.ToArray(), resp.Read(100));
        }
        conn.Request("POST", "/chunks", RequestBody.FromChunks(new[] { "piece"u8.ToArray() }));
        using (var resp = conn.GetResponse()) Assert.Equal("hello"u8.ToArray(), resp.Read());
        conn.Request("GET", "/");
        using (var resp = conn.GetResponse()) Assert.Equal("ok"u8.ToArray(), resp.Read());
    }
}
