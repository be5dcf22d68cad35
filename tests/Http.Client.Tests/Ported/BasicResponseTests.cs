using System;
using System.Collections.Generic;
using System.Linq;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Ported;

/// <summary>
/// Ports of the response-side tests of CPython 3.11 test_httplib.BasicTest. Every scripted response is fed whole,
/// one byte per read and in random pieces (fixed seeds); the expected results are the same in every mode.
/// CPython's <c>resp.closed</c> maps to <c>!CanRead</c> (the Stream is closed), <c>isclosed()</c> to <c>IsClosed</c>.
/// </summary>
public class BasicResponseTests
{
    /// <summary>
    /// CPython asserts that the bytes after the body are still unread in the socket file. With one receive buffer
    /// per connection (README difference 6) the equivalent is: a second response sent right behind the first reaches the next
    /// GetResponse on the same transport intact.
    /// </summary>
    private static void AssertNextResponseIntact(Exchange ex)
    {
        ex.Response.Dispose();
        ex.Connection.Request("GET", "/next");
        using var next = ex.Connection.GetResponse();
        Assert.Equal(200, next.Status);
        Assert.Equal(B("extradata"), next.Read());
        Assert.Equal(1, ex.Factory.OpenCount);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_status_lines")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void StatusLines_ReadZeroDoesNotClose(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\n\r\nText", split);
        var resp = ex.Response;
        Assert.Equal(Array.Empty<byte>(), resp.Read(0)); // Issue #20007
        Assert.False(resp.IsClosed);
        Assert.True(resp.CanRead);
        Assert.Equal(B("Text"), resp.Read());
        Assert.True(resp.IsClosed);
        Assert.True(resp.CanRead);
        resp.Close();
        Assert.False(resp.CanRead);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_status_lines")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void StatusLines_DecimalStatusIsBadStatusLine(ReadSplit split)
    {
        using var ex = Exchange.Open("HTTP/1.1 400.100 Not Ok\r\n\r\nText", split);
        var e = Assert.Throws<BadStatusLineException>(() => ex.GetResponse());
        Assert.Equal("HTTP/1.1 400.100 Not Ok\r\n", e.Line);
    }

    [Fact]
    [Trait("CPython", "BasicTest.test_bad_status_repr")]
    public void BadStatusRepr_EmptyLineIsQuoted()
    {
        var e = new BadStatusLineException("");
        Assert.Equal("''", e.Message);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_partial_reads")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PartialReads_CloseAtContentLength(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\nContent-Length: 4\r\n\r\nText", split);
        var resp = ex.Response;
        Assert.Equal(B("Te"), resp.Read(2));
        Assert.False(resp.IsClosed);
        Assert.Equal(B("xt"), resp.Read(2));
        Assert.True(resp.IsClosed);
        Assert.True(resp.CanRead);
        resp.Close();
        Assert.False(resp.CanRead);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_mixed_reads")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void MixedReads_ReadLineUpdatesRemainingLength(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\nContent-Length: 13\r\n\r\nText\r\nAnother", split);
        var resp = ex.Response;
        Assert.Equal(B("Text\r\n"), resp.ReadLine());
        Assert.False(resp.IsClosed);
        Assert.Equal(B("Another"), resp.Read());
        Assert.True(resp.IsClosed);
        Assert.True(resp.CanRead);
        resp.Close();
        Assert.False(resp.CanRead);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_partial_readintos")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PartialReadIntos_CloseAtContentLength(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\nContent-Length: 4\r\n\r\nText", split);
        var resp = ex.Response;
        var b = new byte[2];
        Assert.Equal(B("Te"), ReadExactly(resp, b));
        Assert.False(resp.IsClosed);
        Assert.Equal(B("xt"), ReadExactly(resp, b));
        Assert.True(resp.IsClosed);
        Assert.True(resp.CanRead);
        resp.Close();
        Assert.False(resp.CanRead);
    }

    /// <summary>Stream.Read may return fewer bytes than asked (Stream's contract): fill the buffer in a bounded loop.</summary>
    private static byte[] ReadExactly(HttpResponse resp, byte[] buffer)
    {
        int filled = 0;
        for (int guard = 0; guard < 1000 && filled < buffer.Length; guard++)
        {
            int n = resp.Read(buffer.AsSpan(filled));
            if (n == 0) break;
            filled += n;
        }
        return buffer[..filled];
    }

    /// <summary>Reads with Stream.Read into a buffer of <paramref name="size"/> until it returns 0 (bounded).</summary>
    private static byte[] ReadIntoToEnd(HttpResponse resp, int size = 7)
    {
        var all = new List<byte>();
        var buffer = new byte[size];
        for (int guard = 0; guard < 100_000; guard++)
        {
            int n = resp.Read(buffer, 0, buffer.Length);
            if (n == 0) return all.ToArray();
            all.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        throw new InvalidOperationException("Stream.Read never returned 0");
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_partial_reads_past_end")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PartialReadsPastEnd_ClippedToContentLength(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\nContent-Length: 4\r\n\r\nText", split);
        Assert.Equal(B("Text"), ex.Response.Read(10));
        Assert.True(ex.Response.IsClosed);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_partial_readintos_past_end")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PartialReadIntosPastEnd_ClippedToContentLength(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\nContent-Length: 4\r\n\r\nText", split);
        Assert.Equal(B("Text"), ReadExactly(ex.Response, new byte[10]));
        Assert.True(ex.Response.IsClosed);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_partial_reads_no_content_length")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PartialReadsNoContentLength_ClosedOnlyAfterEmptyRead(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\n\r\nText", split);
        var resp = ex.Response;
        Assert.Equal(B("Te"), resp.Read(2));
        Assert.False(resp.IsClosed);
        Assert.Equal(B("xt"), resp.Read(2));
        Assert.Equal(Array.Empty<byte>(), resp.Read(1));
        Assert.True(resp.IsClosed);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_partial_readintos_no_content_length")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PartialReadIntosNoContentLength_ClosedOnlyAfterEmptyRead(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\n\r\nText", split);
        var resp = ex.Response;
        Assert.Equal(B("Te"), ReadExactly(resp, new byte[2]));
        Assert.False(resp.IsClosed);
        Assert.Equal(B("xt"), ReadExactly(resp, new byte[2]));
        Assert.Equal(0, resp.Read(new byte[1], 0, 1));
        Assert.True(resp.IsClosed);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_partial_reads_incomplete_body")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PartialReadsIncompleteBody_NoException(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\nContent-Length: 10\r\n\r\nText", split);
        var resp = ex.Response;
        Assert.Equal(B("Te"), resp.Read(2));
        Assert.False(resp.IsClosed);
        Assert.Equal(B("xt"), resp.Read(2));
        Assert.Equal(Array.Empty<byte>(), resp.Read(1));
        Assert.True(resp.IsClosed);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_partial_readintos_incomplete_body")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void PartialReadIntosIncompleteBody_NoException(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok\r\nContent-Length: 10\r\n\r\nText", split);
        var resp = ex.Response;
        Assert.Equal(B("Te"), ReadExactly(resp, new byte[2]));
        Assert.False(resp.IsClosed);
        Assert.Equal(B("xt"), ReadExactly(resp, new byte[2]));
        Assert.Equal(0, resp.Read(new byte[1], 0, 1));
        Assert.True(resp.IsClosed);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_response_headers")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ResponseHeaders_DuplicatesJoinedWithComma(ReadSplit split)
    {
        const string text = "HTTP/1.1 200 OK\r\n" +
            "Set-Cookie: Customer=\"WILE_E_COYOTE\"; Version=\"1\"; Path=\"/acme\"\r\n" +
            "Set-Cookie: Part_Number=\"Rocket_Launcher_0001\"; Version=\"1\"; Path=\"/acme\"\r\n" +
            "\r\n" +
            "No body\r\n";
        const string hdr = "Customer=\"WILE_E_COYOTE\"; Version=\"1\"; Path=\"/acme\"" + ", " +
            "Part_Number=\"Rocket_Launcher_0001\"; Version=\"1\"; Path=\"/acme\"";
        using var ex = Exchange.Begin(text, split);
        Assert.Equal(hdr, ex.Response.GetHeader("Set-Cookie"));
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_read_head")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ReadHead_NeverTouchesTheBody(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 14432\r\n\r\n", split, "HEAD", failOnReadAtEof: true);
        Assert.Empty(ex.Response.Read());
        Assert.False(ex.Transport.ReadAtEof, "read past the end of a HEAD response");
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_readinto_head")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ReadIntoHead_NeverTouchesTheBody(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 14432\r\n\r\n", split, "HEAD", failOnReadAtEof: true);
        var b = new byte[5];
        Assert.Equal(0, ex.Response.Read(b, 0, b.Length));
        Assert.Equal(new byte[5], b);
        Assert.False(ex.Transport.ReadAtEof, "read past the end of a HEAD response");
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_too_many_headers")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void TooManyHeaders_Rejected(ReadSplit split)
    {
        string headers = string.Join("\r\n", Enumerable.Range(0, 101).Select(i => $"Header{i}: foo")) + "\r\n";
        using var ex = Exchange.Open("HTTP/1.1 200 OK\r\n" + headers, split);
        var e = Assert.Throws<HttpException>(() => ex.GetResponse());
        Assert.Matches(@"got more than \d+ headers", e.Message);
        Assert.Equal("got more than 100 headers", e.Message);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_chunked")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Chunked_ReadAll(ReadSplit split)
    {
        using var ex = Exchange.Begin(ChunkedStart + LastChunk + ChunkedEnd, split);
        Assert.Equal(B(ChunkedExpected), ex.Response.Read());
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_chunked")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Chunked_ReadNThenRest(ReadSplit split)
    {
        for (int n = 1; n < 12; n++)
        {
            using var ex = Exchange.Begin(ChunkedStart + LastChunk + ChunkedEnd, split);
            var first = ex.Response.Read(n);
            var second = ex.Response.Read(n);
            Assert.Equal(n, first.Length);
            Assert.Equal(n, second.Length);
            Assert.Equal(B(ChunkedExpected), first.Concat(second).Concat(ex.Response.Read()).ToArray());
        }
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_chunked")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Chunked_TruncatedBody_IncompleteRead(ReadSplit split)
    {
        foreach (var x in new[] { "", "foo\r\n" })
        {
            using var ex = Exchange.Begin(ChunkedStart + x, split);
            var e = Assert.Throws<IncompleteReadException>(() => ex.Response.Read());
            Assert.Equal(B(ChunkedExpected), e.Partial);
            Assert.Null(e.Expected);
            Assert.Equal($"IncompleteRead({ChunkedExpected.Length} bytes read)", e.Message);
        }
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_readinto_chunked")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ReadIntoChunked(ReadSplit split)
    {
        using (var ex = Exchange.Begin(ChunkedStart + LastChunk + ChunkedEnd, split))
        {
            Assert.Equal(B(ChunkedExpected), ReadIntoToEnd(ex.Response, 90));
        }
        for (int n = 1; n < 12; n++)
        {
            using var ex = Exchange.Begin(ChunkedStart + LastChunk + ChunkedEnd, split);
            var first = ReadExactly(ex.Response, new byte[n]);
            var second = ReadExactly(ex.Response, new byte[n]);
            Assert.Equal(B(ChunkedExpected), first.Concat(second).Concat(ReadIntoToEnd(ex.Response)).ToArray());
        }
        foreach (var x in new[] { "", "foo\r\n" })
        {
            using var ex = Exchange.Begin(ChunkedStart + x, split);
            var e = Assert.Throws<IncompleteReadException>(() => ReadIntoToEnd(ex.Response, 90));
            Assert.Equal($"IncompleteRead({e.Partial.Length} bytes read)", e.Message);
        }
    }

    private const string ChunkedHeadScript =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello world\r\n1\r\nd\r\n" + LastChunk + ChunkedEnd;

    [Theory]
    [Trait("CPython", "BasicTest.test_chunked_head")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ChunkedHead_ReadsNothing(ReadSplit split)
    {
        using var ex = Exchange.Begin(ChunkedHeadScript, split, "HEAD");
        var resp = ex.Response;
        Assert.Empty(resp.Read());
        Assert.Equal(200, resp.Status);
        Assert.Equal("OK", resp.Reason);
        Assert.True(resp.IsClosed);
        Assert.True(resp.CanRead);
        resp.Close();
        Assert.False(resp.CanRead);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_readinto_chunked_head")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ReadIntoChunkedHead_ReadsNothing(ReadSplit split)
    {
        using var ex = Exchange.Begin(ChunkedHeadScript, split, "HEAD");
        var resp = ex.Response;
        var b = new byte[5];
        Assert.Equal(0, resp.Read(b, 0, b.Length));
        Assert.Equal(new byte[5], b);
        Assert.Equal(200, resp.Status);
        Assert.Equal("OK", resp.Reason);
        Assert.True(resp.IsClosed);
        Assert.True(resp.CanRead);
        resp.Close();
        Assert.False(resp.CanRead);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_negative_content_length")]
    [Trait("Deviation", "33")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void NegativeContentLength_IsAnError(ReadSplit split)
    {
        // CPython reads to EOF; Content-Length must be 1*DIGIT here.
        using var ex = Exchange.Open("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nHello\r\n", split);
        var e = Assert.Throws<HttpException>(() => ex.GetResponse());
        Assert.Equal("invalid Content-Length: '-1'", e.Message);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_incomplete_read")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void IncompleteRead_PartialAndExpected(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello\r\n", split);
        var e = Assert.Throws<IncompleteReadException>(() => ex.Response.Read());
        Assert.Equal(B("Hello\r\n"), e.Partial);
        Assert.Equal(3, e.Expected);
        Assert.Equal("IncompleteRead(7 bytes read, 3 more expected)", e.Message);
        Assert.True(ex.Response.IsClosed);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_overflowing_status_line")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void OverflowingStatusLine_Rejected(ReadSplit split)
    {
        using var ex = Exchange.Open("HTTP/1.1 200 Ok" + new string('k', 65536) + "\r\n", split);
        var e = Assert.ThrowsAny<HttpException>(() => ex.GetResponse());
        Assert.True(e is LineTooLongException or BadStatusLineException, e.GetType().Name);
        if (e is LineTooLongException tooLong) Assert.Equal("status line", tooLong.LineType);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_overflowing_header_line")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void OverflowingHeaderLine_LineTooLong(ReadSplit split)
    {
        using var ex = Exchange.Open("HTTP/1.1 200 OK\r\nX-Foo: bar" + new string('r', 65536) + "\r\n\r\n", split);
        var e = Assert.Throws<LineTooLongException>(() => ex.GetResponse());
        Assert.Equal("header line", e.LineType);
        Assert.Equal("got more than 65536 bytes when reading header line", e.Message);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_overflowing_header_limit_after_100")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void OverflowingHeaderLimitAfter100_TooManyHeaders(ReadSplit split)
    {
        using var ex = Exchange.Open("HTTP/1.1 100 OK\r\n" + string.Concat(Enumerable.Repeat("r\n", 32768)), split);
        var e = Assert.ThrowsAny<HttpException>(() => ex.GetResponse());
        Assert.Contains("got more than ", e.Message);
        Assert.Contains("headers", e.Message);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_overflowing_chunked_line")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void OverflowingChunkedLine_LineTooLong(ReadSplit split)
    {
        using var ex = Exchange.Begin(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + new string('0', 65536) + "a\r\nhello world\r\n0\r\n\r\n", split);
        var e = Assert.Throws<LineTooLongException>(() => ex.Response.Read());
        Assert.Equal("chunk size", e.LineType);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_early_eof")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void EarlyEof_NoTerminator_EmptyBody(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 Ok", split);
        var resp = ex.Response;
        Assert.Empty(resp.Read());
        Assert.True(resp.IsClosed);
        Assert.True(resp.CanRead);
        resp.Close();
        Assert.False(resp.CanRead);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_error_leak")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ErrorLeak_BadStatusLineClosesTheTransport(ReadSplit split)
    {
        using var ex = Exchange.Open("Invalid status line", split);
        Assert.Throws<BadStatusLineException>(() => ex.GetResponse());
        Assert.True(ex.Transport.IsDisposed, "the transport leaked after a BadStatusLine");
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_chunked_extension")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ChunkedExtension_Ignored(ReadSplit split)
    {
        using var ex = Exchange.Begin(ChunkedStart + "3;foo=bar\r\nabc\r\n" + LastChunkExtended + ChunkedEnd, split);
        Assert.Equal(B(ChunkedExpected + "abc"), ex.Response.Read());
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_chunked_missing_end")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ChunkedMissingEnd_Tolerated(ReadSplit split)
    {
        using var ex = Exchange.Begin(ChunkedStart + LastChunk, split);
        Assert.Equal(B(ChunkedExpected), ex.Response.Read());
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_chunked_trailers")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ChunkedTrailers_ReadAndIgnored(ReadSplit split)
    {
        using var ex = Exchange.Begin(ChunkedStart + LastChunk + Trailers + ChunkedEnd, split);
        Assert.Equal(B(ChunkedExpected), ex.Response.Read());
        Assert.Equal(0, ex.Transport.BytesUnread); // we read to the end
        Assert.Null(ex.Response.GetHeader("X-Dummy")); // trailers are discarded, not merged into the headers
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_chunked_sync")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ChunkedSync_NoReadPastTheBody(ReadSplit split)
    {
        using var ex = Exchange.Begin(ChunkedStart + LastChunk + Trailers + ChunkedEnd + NextResponse, split);
        Assert.Equal(B(ChunkedExpected), ex.Response.Read());
        AssertNextResponseIntact(ex);
    }

    private const string Hello123 = "Hello123\r\n";

    [Theory]
    [Trait("CPython", "BasicTest.test_content_length_sync")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ContentLengthSync_NoReadPastTheBody(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + Hello123 + NextResponse, split);
        Assert.Equal(B(Hello123), ex.Response.Read());
        AssertNextResponseIntact(ex);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_readlines_content_length")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ReadLinesContentLength_NoReadPastTheBody(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + Hello123 + NextResponse, split);
        // readlines(2000): lines until the total reaches the hint or the body ends.
        var lines = new List<byte[]>();
        int total = 0;
        for (int guard = 0; guard < 100 && total < 2000; guard++)
        {
            var line = ex.Response.ReadLine();
            if (line.Length == 0) break;
            lines.Add(line);
            total += line.Length;
        }
        Assert.Equal(new[] { B(Hello123) }, lines);
        AssertNextResponseIntact(ex);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_read1_content_length")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Read1ContentLength_NoReadPastTheBody(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + Hello123 + NextResponse, split);
        // read1 returns what one underlying read gives: whole, that is the body; split, collect until complete.
        var got = new List<byte>(ex.Response.Read1(2000));
        if (split == ReadSplit.Whole) Assert.Equal(B(Hello123), got.ToArray());
        for (int guard = 0; guard < 100 && got.Count < Hello123.Length; guard++)
        {
            var piece = ex.Response.Read1(2000);
            Assert.NotEmpty(piece);
            got.AddRange(piece);
        }
        Assert.Equal(B(Hello123), got.ToArray());
        AssertNextResponseIntact(ex);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_readline_bound_content_length")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ReadLineBoundContentLength_NoReadPastTheBody(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + Hello123 + NextResponse, split);
        Assert.Equal(B(Hello123), ex.Response.ReadLine(10));
        Assert.Empty(ex.Response.ReadLine(10));
        AssertNextResponseIntact(ex);
    }

    [Theory]
    [Trait("CPython", "BasicTest.test_read1_bound_content_length")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Read1BoundContentLength_NoReadPastTheBody(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n" + Hello123 + Hello123 + Hello123 + NextResponse, split);
        var first = ex.Response.Read1(20);
        Assert.InRange(first.Length, 1, 20);
        if (split == ReadSplit.Whole) Assert.Equal(B(Hello123 + Hello123), first);
        Assert.Equal(B(Hello123 + Hello123 + Hello123), first.Concat(ex.Response.Read()).ToArray());
        AssertNextResponseIntact(ex);
    }
}
