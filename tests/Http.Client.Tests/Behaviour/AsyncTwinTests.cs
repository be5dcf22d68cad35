using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Behaviour;

/// <summary>The async twins produce the same bytes on the wire and the same results as the sync calls.</summary>
public class AsyncTwinTests
{
    /// <summary>A request shape: method, URL, a fresh body each call, headers, encodeChunked.</summary>
    public sealed record Shape(string Name, string Method, string Url, Func<RequestBody?> Body, KeyValuePair<string, string>[] Headers, bool EncodeChunked)
    {
        public override string ToString() => Name;
    }

    private static readonly Dictionary<string, Shape> Shapes = new Shape[]
    {
        new("get", "GET", "/a?b=c", () => null, Array.Empty<KeyValuePair<string, string>>(), false),
        new("post string", "POST", "/p", () => "body\u00e9", new[] { H("X-A", "1") }, false),
        new("put bytes", "PUT", "/p", () => new byte[] { 1, 2, 3, 0, 255 }, Array.Empty<KeyValuePair<string, string>>(), false),
        new("stream", "PUT", "/s", () => new MemoryStream(Enumerable.Range(0, 20000).Select(i => (byte)i).ToArray()), Array.Empty<KeyValuePair<string, string>>(), false),
        new("text reader", "POST", "/t", () => new StringReader("line one\nline two\n"), Array.Empty<KeyValuePair<string, string>>(), false),
        new("chunks", "POST", "/c", () => RequestBody.FromChunks(new[] { "ab"u8.ToArray(), Array.Empty<byte>(), "cde"u8.ToArray() }), Array.Empty<KeyValuePair<string, string>>(), false),
        new("async chunks", "POST", "/ac", () => RequestBody.FromChunks(AsyncPieces()), Array.Empty<KeyValuePair<string, string>>(), false),
        new("user chunked", "POST", "/u", () => RequestBody.FromChunks(new[] { "raw"u8.ToArray() }), new[] { H("Transfer-Encoding", "gzip, chunked") }, true),
    }.ToDictionary(s => s.Name);

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> AsyncPieces()
    {
        foreach (var piece in new[] { "x", "", "yz" })
        {
            await Task.Yield();
            yield return Latin1.Bytes(piece);
        }
    }

    public static IEnumerable<object[]> ShapeNames => Shapes.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public async Task RequestAsync_SameBytesAsRequest(string shapeName)
    {
        var shape = Shapes[shapeName];
        // The IAsyncEnumerable body has no sync twin path to compare in the sync call; compare with its sync equivalent.
        var syncShape = shapeName == "async chunks" ? Shapes["chunks"] with { Url = "/ac", Body = () => RequestBody.FromChunks(new[] { "x"u8.ToArray(), Array.Empty<byte>(), "yz"u8.ToArray() }) } : shape;

        var syncFactory = new TransportFactory(Array.Empty<byte>());
        using (var conn = syncFactory.CreateConnection(blockSize: 4096))
            conn.Request(syncShape.Method, syncShape.Url, syncShape.Body(), syncShape.Headers, syncShape.EncodeChunked);

        var asyncFactory = new TransportFactory(Array.Empty<byte>());
        using (var conn = asyncFactory.CreateConnection(blockSize: 4096))
            await conn.RequestAsync(shape.Method, shape.Url, shape.Body(), shape.Headers, shape.EncodeChunked);

        Assert.Equal(Latin1.Text(syncFactory.Last.Written), Latin1.Text(asyncFactory.Last.Written));
        Assert.Equal(syncFactory.Last.WriteCount, asyncFactory.Last.WriteCount);
    }

    [Fact]
    public async Task StepByStepAsync_SameBytesAsSync()
    {
        var syncFactory = new TransportFactory(Array.Empty<byte>());
        using (var conn = syncFactory.CreateConnection())
        {
            conn.PutRequest("POST", "/step");
            conn.PutHeader("X-Multi", "a", "b");
            conn.EndHeaders("abc"u8.ToArray());
            conn.Send("tail"u8.ToArray());
        }
        var asyncFactory = new TransportFactory(Array.Empty<byte>());
        using (var conn = asyncFactory.CreateConnection())
        {
            conn.PutRequest("POST", "/step");
            conn.PutHeader("X-Multi", "a", "b");
            await conn.EndHeadersAsync("abc"u8.ToArray());
            await conn.SendAsync("tail"u8.ToArray());
        }
        Assert.Equal(Latin1.Text(syncFactory.Last.Written), Latin1.Text(asyncFactory.Last.Written));
    }

    public static IEnumerable<object[]> ResponseCases =>
        from script in new[]
        {
            "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: 1\r\n\r\nhello world",
            Fixtures.ChunkedStart + Fixtures.LastChunk + Fixtures.Trailers + Fixtures.ChunkedEnd,
            "HTTP/1.0 201 Created\r\nX-B: 2\r\n\r\nclose-delimited body",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            Fixtures.ChunkedStart + "zz\r\n",
        }
        from split in new[] { ReadSplit.Whole, ReadSplit.OneByte, ReadSplit.RandomSeed2 }
        select new object[] { script, split };

    /// <summary>Everything observable about a response, read with the chosen API flavour.</summary>
    private static async Task<string> Observe(string script, ReadSplit split, bool async)
    {
        var factory = new TransportFactory(split, script);
        using var conn = factory.CreateConnection();
        if (async) await conn.RequestAsync("GET", "/"); else conn.Request("GET", "/");
        using var resp = async ? await conn.GetResponseAsync() : conn.GetResponse();
        var head = $"{resp.Version} {resp.Status} {resp.Reason} will_close={resp.WillClose} [{string.Join("; ", resp.GetHeaders().Select(h => h.Key + "=" + h.Value))}]";
        try
        {
            var first = async ? await resp.ReadAsync(3, CancellationToken.None) : resp.Read(3);
            var rest = async ? await resp.ReadAsync(CancellationToken.None) : resp.Read();
            return $"{head} body={Latin1.Text(first)}|{Latin1.Text(rest)} closed={resp.IsClosed}";
        }
        catch (IncompleteReadException e)
        {
            return $"{head} {e.GetType().Name}: {e.Message} partial={Latin1.Text(e.Partial)}";
        }
    }

    [Theory]
    [MemberData(nameof(ResponseCases))]
    public async Task GetResponseAsyncAndReadAsync_SameResultsAsSync(string script, ReadSplit split)
    {
        var sync = await Observe(script, split, async: false);
        var viaAsync = await Observe(script, split, async: true);
        Assert.Equal(sync, viaAsync);
        // The whole-read sync result is the reference for every split.
        Assert.Equal(await Observe(script, ReadSplit.Whole, async: false), sync);
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public async Task StreamReadAsync_SameBodyAsRead(ReadSplit split)
    {
        var script = Fixtures.ChunkedStart + Fixtures.LastChunk + Fixtures.ChunkedEnd;
        var factory = new TransportFactory(split, script);
        using var conn = factory.CreateConnection();
        await conn.RequestAsync("GET", "/");
        using var resp = await conn.GetResponseAsync();
        var copy = new MemoryStream();
        await resp.CopyToAsync(copy);
        Assert.Equal(Fixtures.ChunkedExpected, Latin1.Text(copy.ToArray()));
    }

    [Fact]
    public async Task ReadLineAsync_SameAsReadLine()
    {
        const string script = "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nab\ncdef\nghijk";
        using var sync = Exchange.Begin(script, ReadSplit.OneByte);
        using var viaAsync = Exchange.Begin(script, ReadSplit.OneByte);
        for (int i = 0; i < 5; i++)
            Assert.Equal(sync.Response.ReadLine(4), await viaAsync.Response.ReadLineAsync(4, CancellationToken.None));
    }
}
