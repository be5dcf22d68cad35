using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Ported;

/// <summary>Ports of CPython 3.11 test_httplib.TransferEncodingTest.</summary>
public class TransferEncodingTests
{
    private static readonly byte[] ExpectedBody = "It's just a flesh wound"u8.ToArray();

    /// <summary>CPython's _make_body: the body split at spaces, optionally with empty pieces between.</summary>
    private static IEnumerable<byte[]> MakeBody(bool emptyLines = false)
    {
        var words = Latin1.Text(ExpectedBody).Split(' ');
        for (int i = 0; i < words.Length; i++)
        {
            if (emptyLines && i % 2 == 1) yield return Array.Empty<byte>();
            yield return Latin1.Bytes(i < words.Length - 1 ? words[i] + " " : words[i]);
        }
    }

    [Fact]
    [Trait("CPython", "TransferEncodingTest.test_endheaders_chunked")]
    public void EndHeadersChunked_FramesEveryPiece()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.PutRequest("POST", "/");
        conn.EndHeaders(RequestBody.FromChunks(MakeBody()), encodeChunked: true);

        var sent = RecordedRequest.Parse(factory.Last.Written);
        Assert.Equal(ExpectedBody, sent.ChunkDecodedBody);
        Assert.Equal(new[] { 5, 5, 2, 6, 5 }, Chunked.ChunkSizes(sent.Body));
    }

    [Fact]
    [Trait("CPython", "TransferEncodingTest.test_explicit_headers")]
    public void ExplicitHeaders_UserChunkedWithIterable_SentRaw()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("POST", "/", RequestBody.FromChunks(MakeBody()), new[] { H("Transfer-Encoding", "chunked") });

        var sent = RecordedRequest.Parse(factory.Last.Written);
        Assert.False(sent.Has("Content-Length"));
        Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
        Assert.Equal(1, sent.Count("Transfer-Encoding"));
        Assert.Equal(ExpectedBody, sent.Body);
    }

    [Fact]
    [Trait("CPython", "TransferEncodingTest.test_explicit_headers")]
    public void ExplicitHeaders_UserChunkedWithString_SentRaw()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("POST", "/", Latin1.Text(ExpectedBody), new[] { H("Transfer-Encoding", "chunked") });

        var sent = RecordedRequest.Parse(factory.Last.Written);
        Assert.False(sent.Has("Content-Length"));
        Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
        Assert.Equal(ExpectedBody, sent.Body);
    }

    [Fact]
    [Trait("CPython", "TransferEncodingTest.test_explicit_headers")]
    public void ExplicitHeaders_UserTransferEncodingWithEncodeChunked_FramesBody()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("POST", "/", RequestBody.FromChunks(MakeBody()), new[] { H("Transfer-Encoding", "gzip, chunked") }, encodeChunked: true);

        var sent = RecordedRequest.Parse(factory.Last.Written);
        Assert.False(sent.Has("Content-Length"));
        Assert.Equal("gzip, chunked", sent.Header("Transfer-Encoding"));
        Assert.Equal(ExpectedBody, sent.ChunkDecodedBody);
    }

    [Theory]
    [Trait("CPython", "TransferEncodingTest.test_request")]
    [InlineData(false)]
    [InlineData(true)]
    public void Request_IterableBody_IsChunked_EmptyPiecesSkipped(bool emptyLines)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("POST", "/", RequestBody.FromChunks(MakeBody(emptyLines)));

        var sent = RecordedRequest.Parse(factory.Last.Written);
        Assert.Equal(ExpectedBody, sent.ChunkDecodedBody);
        Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
        Assert.False(sent.Has("Content-Length"));
        // An empty piece would frame as "0\r\n\r\n" and end the body early: none may appear.
        Assert.DoesNotContain(0, Chunked.ChunkSizes(sent.Body));
        Assert.Equal(5, Chunked.ChunkSizes(sent.Body).Count);
    }

    [Fact]
    [Trait("CPython", "TransferEncodingTest.test_empty_body")]
    public void EmptyIterableBody_IsJustTheLastChunk()
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("POST", "/", RequestBody.FromChunks(Array.Empty<byte[]>()));

        var sent = RecordedRequest.Parse(factory.Last.Written);
        Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
        Assert.False(sent.Has("Content-Length"));
        Assert.Equal("0\r\n\r\n"u8.ToArray(), sent.Body);
    }
}

/// <summary>Ports of CPython 3.11 test_httplib.RequestBodyTest (each parses the sent request back).</summary>
public class RequestBodyTests
{
    private static RecordedRequest Put(RequestBody body, params KeyValuePair<string, string>[] headers)
    {
        var factory = new TransportFactory(Array.Empty<byte>());
        using var conn = factory.CreateConnection();
        conn.Request("PUT", "/url", body, headers);
        var sent = RecordedRequest.Parse(factory.Last.Written);
        Assert.Equal("PUT /url HTTP/1.1", sent.RequestLine);
        return sent;
    }

    [Fact]
    [Trait("CPython", "RequestBodyTest.test_list_body")]
    public void ListBody_IsChunked()
    {
        foreach (var body in new[]
        {
            RequestBody.FromChunks(new List<byte[]> { "foo"u8.ToArray(), "bar"u8.ToArray() }),
            RequestBody.FromChunks(new[] { "foo"u8.ToArray(), "bar"u8.ToArray() }),
            RequestBody.FromChunks(new[] { new ReadOnlyMemory<byte>("foo"u8.ToArray()), new ReadOnlyMemory<byte>("bar"u8.ToArray()) }),
        })
        {
            var sent = Put(body);
            Assert.False(sent.Has("Content-Type"));
            Assert.False(sent.Has("Content-Length"));
            Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
            Assert.Equal("3\r\nfoo\r\n3\r\nbar\r\n0\r\n\r\n", Latin1.Text(sent.Body));
        }
    }

    [Fact]
    [Trait("CPython", "RequestBodyTest.test_manual_content_length")]
    public void ManualContentLength_IsKeptUnchecked()
    {
        var sent = Put("body", H("Content-Length", "42"));
        Assert.Equal("42", sent.Header("Content-Length"));
        Assert.Equal(1, sent.Count("Content-Length"));
        Assert.Equal("body"u8.ToArray(), sent.Body);
    }

    [Fact]
    [Trait("CPython", "RequestBodyTest.test_ascii_body")]
    public void AsciiBody_ContentLengthNoContentType()
    {
        var sent = Put("body");
        Assert.False(sent.Has("Content-Type"));
        Assert.Equal("4", sent.Header("Content-Length"));
        Assert.Equal("body"u8.ToArray(), sent.Body);
    }

    [Fact]
    [Trait("CPython", "RequestBodyTest.test_latin1_body")]
    public void Latin1Body_EncodedOneBytePerChar()
    {
        var sent = Put("body\u00c1");
        Assert.False(sent.Has("Content-Type"));
        Assert.Equal("5", sent.Header("Content-Length"));
        Assert.Equal(new byte[] { (byte)'b', (byte)'o', (byte)'d', (byte)'y', 0xC1 }, sent.Body);
    }

    [Fact]
    [Trait("CPython", "RequestBodyTest.test_bytes_body")]
    public void BytesBody_SentRaw()
    {
        var bytes = new byte[] { (byte)'b', (byte)'o', (byte)'d', (byte)'y', 0xC1 };
        foreach (var body in new RequestBody[] { bytes, new ReadOnlyMemory<byte>(bytes) })
        {
            var sent = Put(body);
            Assert.False(sent.Has("Content-Type"));
            Assert.Equal("5", sent.Header("Content-Length"));
            Assert.Equal(bytes, sent.Body);
        }
    }

    [Fact]
    [Trait("CPython", "RequestBodyTest.test_text_file_body")]
    public void TextFileBody_IsChunked()
    {
        var sent = Put(new StringReader("body"));
        Assert.False(sent.Has("Content-Type"));
        Assert.False(sent.Has("Content-Length"));
        Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
        Assert.Equal("4\r\nbody\r\n0\r\n\r\n", Latin1.Text(sent.Body));
    }

    [Fact]
    [Trait("CPython", "RequestBodyTest.test_binary_file_body")]
    public void BinaryFileBody_IsChunked()
    {
        var sent = Put(new MemoryStream(new byte[] { (byte)'b', (byte)'o', (byte)'d', (byte)'y', 0xC1 }));
        Assert.False(sent.Has("Content-Type"));
        Assert.False(sent.Has("Content-Length"));
        Assert.Equal("chunked", sent.Header("Transfer-Encoding"));
        Assert.Equal("5\r\nbody\u00c1\r\n0\r\n\r\n", Latin1.Text(sent.Body));
    }
}
