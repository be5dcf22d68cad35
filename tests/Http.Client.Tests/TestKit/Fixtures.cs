using System.Collections.Generic;

namespace Http.Client.Tests.TestKit;

/// <summary>The module-level fixtures of test_httplib.py.</summary>
public static class Fixtures
{
    /// <summary>chunked_start: a 200 with 4 chunks (a, 3, 8, 22 hex) of <see cref="ChunkedExpected"/>.</summary>
    public const string ChunkedStart =
        "HTTP/1.1 200 OK\r\n" +
        "Transfer-Encoding: chunked\r\n\r\n" +
        "a\r\n" +
        "hello worl\r\n" +
        "3\r\n" +
        "d! \r\n" +
        "8\r\n" +
        "and now \r\n" +
        "22\r\n" +
        "for something completely different\r\n";

    /// <summary>chunked_expected (55 bytes).</summary>
    public const string ChunkedExpected = "hello world! and now for something completely different";

    /// <summary>chunk_extension.</summary>
    public const string ChunkExtension = ";foo=bar";

    /// <summary>last_chunk.</summary>
    public const string LastChunk = "0\r\n";

    /// <summary>last_chunk_extended.</summary>
    public const string LastChunkExtended = "0" + ChunkExtension + "\r\n";

    /// <summary>trailers.</summary>
    public const string Trailers = "X-Dummy: foo\r\nX-Dumm2: bar\r\n";

    /// <summary>chunked_end.</summary>
    public const string ChunkedEnd = "\r\n";

    /// <summary>
    /// Stands in for CPython's "extradata left unread in the socket file": a complete second response whose body is
    /// "extradata". It must reach the next GetResponse intact (no response consumes a byte past its end).
    /// </summary>
    public const string NextResponse = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nextradata";

    /// <summary>A small kept-alive response with the body "ok", for the request after a failure.</summary>
    public const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    /// <summary>The bytes of Latin-1 <paramref name="text"/>: Python's b'...' literal.</summary>
    public static byte[] B(string text) => Latin1.Bytes(text);

    /// <summary>One request header, as <c>Request</c> takes them.</summary>
    public static KeyValuePair<string, string> H(string name, string value) => new(name, value);
}
