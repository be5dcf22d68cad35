using System;
using System.Collections.Generic;
using System.Linq;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// Response parsing rules that no stdlib test covers (behavior.md D2, D4, D5, D6, D8 and README difference 
/// 7-11), each fed whole and split.
/// </summary>
public class ResponseParsingTests
{
    public static IEnumerable<object[]> With(params object[][] cases)
        => from c in cases from split in Splits.All select c.Append(split[0]).ToArray();

    public static IEnumerable<object[]> GoodStatusLines => With(
        new object[] { "HTTP/1.1 200 OK\r\n", 11, 200, "OK" },
        new object[] { "HTTP/1.0 200 OK\r\n", 10, 200, "OK" },
        new object[] { "HTTP/0.9 200 OK\r\n", 10, 200, "OK" },
        new object[] { "HTTP/1.2 200 OK\r\n", 11, 200, "OK" },
        new object[] { "HTTP/1. 200 OK\r\n", 11, 200, "OK" },
        new object[] { "HTTP/1.1 999 Nine\r\n", 11, 999, "Nine" },
        new object[] { "HTTP/1.1 299\r\n", 11, 299, "" },
        new object[] { "HTTP/1.1  200   Very  Good  \r\n", 11, 200, "Very  Good" },
        new object[] { " HTTP/1.1 200 OK\r\n", 11, 200, "OK" },
        new object[] { "HTTP/1.1 200 Caf\u00e9\r\n", 11, 200, "Caf\u00e9" });

    [Theory]
    [Trait("CPython-behaviour", "D2")]
    [MemberData(nameof(GoodStatusLines))]
    public void StatusLine_Accepted(string statusLine, int version, int status, string reason, ReadSplit split)
    {
        using var ex = Exchange.Begin(statusLine + "Content-Length: 0\r\n\r\n", split);
        Assert.Equal(version, ex.Response.Version);
        Assert.Equal(status, ex.Response.Status);
        Assert.Equal(reason, ex.Response.Reason);
    }

    public static IEnumerable<object[]> BadStatusLines => With(
        new object[] { "ICY 200 OK\r\n" },
        new object[] { "http/1.1 200 OK\r\n" },
        new object[] { "\r\n" },
        new object[] { "<html>hello</html>\r\n" },
        new object[] { "HTTP/1.1 099 Low\r\n" },
        new object[] { "HTTP/1.1 1000 High\r\n" },
        new object[] { "HTTP/1.1 20 Short\r\n" },
        new object[] { "HTTP/1.1 abc OK\r\n" },
        new object[] { "HTTP/1.1 +200 OK\r\n" },   // README difference 9
        new object[] { "HTTP/1.1 2_00 OK\r\n" },   // README difference 9
        new object[] { "HTTP/1.1 0200 OK\r\n" });  // README difference 9

    [Theory]
    [Trait("CPython-behaviour", "D2")]
    [Trait("Deviation", "9")]
    [MemberData(nameof(BadStatusLines))]
    public void StatusLine_BadStatusLine_CarriesTheRawLine(string statusLine, ReadSplit split)
    {
        using var ex = Exchange.Open(statusLine + "Content-Length: 0\r\n\r\n", split);
        var e = Assert.Throws<BadStatusLineException>(() => ex.GetResponse());
        Assert.Equal(statusLine, e.Line);
    }

    [Theory]
    [Trait("CPython-behaviour", "D2")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void StatusLine_UnknownProtocol(ReadSplit split)
    {
        foreach (var version in new[] { "HTTP/2.0", "HTTP/2", "HTTP/" })
        {
            using var ex = Exchange.Open(version + " 200 OK\r\n\r\n", split);
            var e = Assert.Throws<UnknownProtocolException>(() => ex.GetResponse());
            Assert.Equal(version, e.Message);
        }
    }

    [Theory]
    [Trait("CPython-behaviour", "D2")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Continue100_Skipped_Other1xxReturned(ReadSplit split)
    {
        using (var ex = Exchange.Begin("HTTP/1.1 100 Continue\r\nA: 1\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", split))
        {
            Assert.Equal(200, ex.Response.Status);
            Assert.Null(ex.Response.GetHeader("A"));
            Assert.Equal("ok"u8.ToArray(), ex.Response.Read());
        }
        using (var ex = Exchange.Begin("HTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n", split))
        {
            Assert.Equal(103, ex.Response.Status);
            Assert.Equal("x", ex.Response.GetHeader("Link"));
            Assert.Empty(ex.Response.Read());
        }
    }

    [Theory]
    [Trait("CPython-behaviour", "D4")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Headers_ParsingSemantics(ReadSplit split)
    {
        using var ex = Exchange.Begin(
            "HTTP/1.1 200 OK\r\nA: b\r\nC: d\r\nTrail:   3  \r\nFold: 1\r\n  cont\r\n\tcont2\r\nMixed-Case: v1\r\nmixed-case: v2\r\nContent-Length: 0\r\n\r\n", split);
        var r = ex.Response;
        Assert.Equal("b", r.GetHeader("A"));
        Assert.Equal("d", r.GetHeader("C"));
        Assert.Equal("3  ", r.GetHeader("Trail"));
        Assert.Equal("1\r\n  cont\r\n\tcont2", r.GetHeader("Fold"));
        Assert.Equal(new[] { "v1", "v2" }, r.Headers.GetAll("MIXED-CASE"));
        Assert.Equal("v1, v2", r.GetHeader("mixed-case"));
        var names = r.GetHeaders().Select(h => h.Key).ToArray();
        Assert.Equal(new[] { "A", "C", "Trail", "Fold", "Mixed-Case", "mixed-case", "Content-Length" }, names);
    }

    public static IEnumerable<object[]> BareCrHeads => With(
        new object[] { "HTTP/1.1 200 OK\rX\r\nContent-Length: 0\r\n\r\n", typeof(BadStatusLineException) },
        new object[] { "HTTP/1.1 200 OK\r\nA: b\rC: d\r\nContent-Length: 0\r\n\r\n", typeof(HttpException) },
        new object[] { "HTTP/1.1 200 OK\r\nA: b\r\r\nContent-Length: 0\r\n\r\n", typeof(HttpException) },
        new object[] { "HTTP/1.1 100 Continue\r\nA\rB: c\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", typeof(HttpException) });

    [Theory]
    [Trait("Deviation", "36")]
    [MemberData(nameof(BareCrHeads))]
    public void Head_BareCr_IsAnError_ConnectionClosed(string script, Type expected, ReadSplit split)
    {
        using var ex = Exchange.Open(script, split);
        Exception e = Assert.ThrowsAny<HttpException>(() => ex.GetResponse());
        Assert.Equal(expected, e.GetType());
        Assert.True(ex.Transport.IsDisposed);
    }

    [Theory]
    [Trait("Deviation", "36")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Head_BareLf_Accepted(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\nA: b\nContent-Length: 2\n\nok", split);
        Assert.Equal("b", ex.Response.GetHeader("A"));
        Assert.Equal("ok"u8.ToArray(), ex.Response.Read());
    }

    public static IEnumerable<object[]> BadContentLengths => With(
        new object[] { "Content-Length: abc\r\n", "invalid Content-Length: 'abc'" },
        new object[] { "Content-Length: +3\r\n", "invalid Content-Length: '+3'" },
        new object[] { "Content-Length: 1_0\r\n", "invalid Content-Length: '1_0'" },
        new object[] { "Content-Length: 2\r\nContent-Length: 5\r\n", "conflicting Content-Length values: 2, 5" },
        new object[] { "Content-Length: 2, 3\r\n", "conflicting Content-Length values: 2, 3" });

    [Theory]
    [Trait("Deviation", "33")]
    [MemberData(nameof(BadContentLengths))]
    public void ContentLength_NotDigitsOrConflicting_IsAnError(string fields, string message, ReadSplit split)
    {
        using var ex = Exchange.Open("HTTP/1.1 200 OK\r\n" + fields + "\r\nabcde", split);
        var e = Assert.Throws<HttpException>(() => ex.GetResponse());
        Assert.Equal(message, e.Message);
        Assert.True(ex.Transport.IsDisposed);
    }

    [Theory]
    [Trait("CPython-behaviour", "D4")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Headers_ANonHeaderLineDropsTheRest(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nFirst: 1\r\nBad Name: x\r\nContent-Length: 2\r\n\r\nok", split);
        Assert.Equal("1", ex.Response.GetHeader("First"));
        Assert.Null(ex.Response.GetHeader("Content-Length"));
        Assert.Single(ex.Response.GetHeaders());
    }

    public static IEnumerable<object[]> Framing => With(
        // version, headers, method, chunked?, will_close, body on the wire, body read
        new object[] { "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef", "GET", false, "abc" },
        new object[] { "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc", "GET", true, "abc" },
        new object[] { "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc", "GET", false, "abc" },
        new object[] { "HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 3\r\n\r\nabc", "GET", false, "abc" },
        new object[] { "HTTP/1.0 200 OK\r\nProxy-Connection: keep-alive\r\nContent-Length: 3\r\n\r\nabc", "GET", false, "abc" },
        new object[] { "HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 3\r\n\r\nabc", "GET", true, "abc" },
        new object[] { "HTTP/1.1 200 OK\r\n\r\nto the end", "GET", true, "to the end" },
        new object[] { "HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nab\r\n0\r\n\r\n", "GET", false, "ab" },
        new object[] { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked \r\n\r\n2\r\nab\r\n0\r\n\r\n", "GET", false, "ab" }, // README difference 8
        new object[] { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n2\r\nab\r\n0\r\n\r\n", "GET", true, "ab" }, // README difference 34
        new object[] { "HTTP/1.1 204 No Content\r\n\r\n", "GET", false, "" },
        new object[] { "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", "GET", false, "" },
        new object[] { "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD", false, "" },
        new object[] { "HTTP/1.1 200 OK\r\nContent-Length:  7 \r\n\r\nabcdefg", "GET", false, "abcdefg" },
        new object[] { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", "GET", false, "ab" }, // README difference 33
        new object[] { "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nab", "GET", false, "ab" },
        new object[] { "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", "GET", false, "" }); // README difference 32

    [Theory]
    [Trait("CPython-behaviour", "D5")]
    [Trait("Deviation", "8")]
    [MemberData(nameof(Framing))]
    public void Framing_Decisions(string script, string method, bool willClose, string body, ReadSplit split)
    {
        using var ex = Exchange.Begin(script, split, method);
        Assert.Equal(willClose, ex.Response.WillClose);
        Assert.Equal(Latin1.Bytes(body), ex.Response.Read());
    }

    public static IEnumerable<object[]> ChunkSizeLines => With(
        new object[] { " A \r\n0123456789\r\n0\r\n\r\n", "0123456789" },
        new object[] { "a;ext=1\r\n0123456789\r\n0;last\r\n\r\n", "0123456789" },
        new object[] { "00003\r\nabc\r\n0\r\n\r\n", "abc" },
        new object[] { "3\t\r\nabc\r\n0\r\n\r\n", "abc" });

    [Theory]
    [Trait("Deviation", "10")]
    [MemberData(nameof(ChunkSizeLines))]
    public void ChunkSize_Accepted(string chunks, string body, ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, split);
        Assert.Equal(Latin1.Bytes(body), ex.Response.Read());
    }

    public static IEnumerable<object[]> BadChunkSizeLines => With(
        new object[] { "0x3\r\nabc\r\n0\r\n\r\n" },
        new object[] { "+3\r\nabc\r\n0\r\n\r\n" },
        new object[] { "-3\r\nabc\r\n0\r\n\r\n" },
        new object[] { "1_0\r\n0123456789abcdef\r\n0\r\n\r\n" },
        new object[] { "FFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n" },
        new object[] { "\r\nabc\r\n" },
        new object[] { "xyz\r\nabc\r\n0\r\n\r\n" });

    [Theory]
    [Trait("Deviation", "10")]
    [MemberData(nameof(BadChunkSizeLines))]
    public void ChunkSize_RejectedWithIncompleteRead(string chunks, ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n" + chunks, split);
        var e = Assert.Throws<IncompleteReadException>(() => ex.Response.Read());
        Assert.Equal("ok"u8.ToArray(), e.Partial);
        Assert.Null(e.Expected);
    }

    [Theory]
    [Trait("Deviation", "7")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void Chunked_PartialChunkKeptInPartial(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n5\r\nabc", split);
        var e = Assert.Throws<IncompleteReadException>(() => ex.Response.Read());
        Assert.Equal("okabc"u8.ToArray(), e.Partial);
        Assert.Equal("IncompleteRead(5 bytes read)", e.Message);
    }

    [Theory]
    [Trait("Deviation", "11")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void ReadNegativeAmount_HonoursContentLength(ReadSplit split)
    {
        using var ex = Exchange.Begin("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef", split);
        Assert.Equal("abc"u8.ToArray(), ex.Response.Read(-1));
        Assert.True(ex.Response.IsClosed);
    }

    [Theory]
    [Trait("CPython-behaviour", "D3")]
    [MemberData(nameof(Splits.All), MemberType = typeof(Splits))]
    public void LineOfExactly65536BytesIsAccepted(ReadSplit split)
    {
        // A header line of exactly 65536 bytes including CRLF is accepted; one byte more is not (A7).
        string Line(int total) => "X: " + new string('v', total - 5) + "\r\n";
        using (var ok = Exchange.Begin("HTTP/1.1 200 OK\r\n" + Line(65536) + "Content-Length: 0\r\n\r\n", split))
            Assert.Equal(65536 - 5, ok.Response.GetHeader("X")!.Length);
        using var bad = Exchange.Open("HTTP/1.1 200 OK\r\n" + Line(65537) + "Content-Length: 0\r\n\r\n", split);
        Assert.Throws<LineTooLongException>(() => bad.GetResponse());
    }
}
