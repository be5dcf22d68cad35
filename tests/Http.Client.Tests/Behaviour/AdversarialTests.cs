using System;
using System.Linq;
using System.Text;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// Hostile or extreme responses: sizes the peer announces must never become allocations, and odd but legal reads
/// must not throw. Bad input gets the documented exception, never a crash or a hang (COMMON.md).
/// </summary>
public class AdversarialTests
{
    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void HugeContentLength_ShortBody_IncompleteRead_NoHugeAllocation(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\nabc", split);
        var e = Assert.Throws<IncompleteReadException>(() => ex.Response.Read());
        Assert.Equal("abc"u8.ToArray(), e.Partial);
        Assert.Equal(999999999996L, e.Expected);
        Assert.Equal("IncompleteRead(3 bytes read, 999999999996 more expected)", e.Message);
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void HugeChunkSize_ShortData_IncompleteRead_NoHugeAllocation(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7FFFFFFFFFFFFFFF\r\nabc", split);
        var e = Assert.Throws<IncompleteReadException>(() => ex.Response.Read());
        Assert.Equal("abc"u8.ToArray(), e.Partial); // docs/differences.md #7: the partial chunk is kept
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void HugeAmounts_ClippedToWhatIsThere(ReadSplit split)
    {
        using (var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", split))
            Assert.Equal("hello"u8.ToArray(), ex.Response.Read(int.MaxValue));
        using (var ex = Exchange.Begin("HTTP/1.1 200 OK\r\n\r\nhello", split))
            Assert.Equal("hello"u8.ToArray(), ex.Response.Read(int.MaxValue));
        using (var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", split))
        {
            var p = ex.Response.Peek(int.MaxValue);
            Assert.InRange(p.Length, 0, 5);
            Assert.InRange(ex.Response.Read1(int.MaxValue).Length, 1, 5);
        }
        using (var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", split))
            Assert.Equal("hello"u8.ToArray(), ex.Response.ReadLine(int.MaxValue));
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ZeroAmounts_ReturnEmpty_DoNotClose(ReadSplit split)
    {
        using var ex = Exchange.Begin(Fixtures.ChunkedStart + Fixtures.LastChunk + Fixtures.ChunkedEnd, split);
        Assert.Empty(ex.Response.Read(0));
        Assert.Empty(ex.Response.ReadLine(0));
        Assert.Empty(ex.Response.Read1(0));
        Assert.Equal(0, ex.Response.Read(Array.Empty<byte>(), 0, 0));
        Assert.False(ex.Response.IsClosed);
        Assert.Equal(Fixtures.ChunkedExpected, Latin1.Text(ex.Response.Read()));
    }

    [Theory]
    [InlineData(ReadSplit.Whole)]
    [InlineData(ReadSplit.RandomSeed3)]
    public void TenThousandOneByteChunks(ReadSplit split)
    {
        var script = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 10_000; i++) script.Append("1\r\n").Append((char)('a' + i % 26)).Append("\r\n");
        script.Append("0\r\n\r\n");
        using var ex = Exchange.Begin(script.ToString(), split);
        var body = ex.Response.Read();
        Assert.Equal(10_000, body.Length);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (byte)('a' + i % 26)), body);
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ControlBytesInTheStatusLine_BadStatusLineNotACrash(ReadSplit split)
    {
        foreach (var line in new[] { "HTTP/1.1 2\u00000 OK\r\n", "\u0000\u0000\u0000\r\n", "HTTP/1.1\r\n", "HTTP/1.1 \r\n" })
        {
            using var ex = Exchange.Open(line + "\r\n", split);
            var e = Assert.ThrowsAny<HttpException>(() => ex.GetResponse());
            Assert.IsType<BadStatusLineException>(e);
        }
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void TrailerLineTooLong_LineTooLong(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX: " + new string('t', 70_000) + "\r\n\r\n", split);
        var e = Assert.Throws<LineTooLongException>(() => ex.Response.Read());
        Assert.Equal("trailer line", e.LineType);
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void HundredTrailerLines_Accepted_ConnectionReused(ReadSplit split)
    {
        var trailers = string.Concat(Enumerable.Range(0, 100).Select(i => $"T{i}: v\r\n"));
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n" + trailers + "\r\n" + Fixtures.Ok, split);
        Assert.Equal("ok"u8.ToArray(), ex.Response.Read());
        ex.Response.Dispose();
        ex.Connection.Request("GET", "/next");
        using var next = ex.Connection.GetResponse();
        Assert.Equal("ok"u8.ToArray(), next.Read());
    }

    [Theory]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ManyTrailerLines_HttpException(ReadSplit split)
    {
        // gh-150743: at most 100 trailer lines (HttpConnectionLimits.MaxTrailerLines).
        var trailers = string.Concat(Enumerable.Range(0, 500).Select(i => $"T{i}: v\r\n"));
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n" + trailers + "\r\n" + Fixtures.Ok, split);
        var e = Assert.Throws<HttpException>(() => ex.Response.Read());
        Assert.Equal("got more than 100 trailer lines", e.Message);
    }
}
