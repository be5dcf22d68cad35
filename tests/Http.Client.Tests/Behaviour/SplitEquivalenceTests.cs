using System;
using System.Collections.Generic;
using System.Linq;
using Http.Client.Tests.TestKit;
using Xunit;
using static Http.Client.Tests.TestKit.Fixtures;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// Every scripted response of the response-side tests, fed one byte per read and in random pieces (fixed seeds),
/// must give exactly what it gives whole: status, version, reason, will-close, headers, body (read three ways) or the
/// exception (type, message, partial bytes), and the pipelined response behind it.
/// The ported tests assert their own expectations in every split mode too; this catches anything they do not look at.
/// </summary>
public class SplitEquivalenceTests
{
    private static readonly Dictionary<string, (string Script, string Method)> Scripts = new()
    {
        ["status lines"] = ("HTTP/1.1 200 Ok\r\n\r\nText", "GET"),
        ["decimal status"] = ("HTTP/1.1 400.100 Not Ok\r\n\r\nText", "GET"),
        ["content length 4"] = ("HTTP/1.1 200 Ok\r\nContent-Length: 4\r\n\r\nText", "GET"),
        ["mixed reads"] = ("HTTP/1.1 200 Ok\r\nContent-Length: 13\r\n\r\nText\r\nAnother", "GET"),
        ["incomplete body"] = ("HTTP/1.1 200 Ok\r\nContent-Length: 10\r\n\r\nText", "GET"),
        ["set-cookie twice"] = ("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nNo body\r\n", "GET"),
        ["head"] = ("HTTP/1.1 200 OK\r\nContent-Length: 14432\r\n\r\n", "HEAD"),
        ["too many headers"] = ("HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"Header{i}: foo\r\n")), "GET"),
        ["chunked"] = (ChunkedStart + LastChunk + ChunkedEnd + NextResponse, "GET"),
        ["chunked truncated"] = (ChunkedStart, "GET"),
        ["chunked bad size"] = (ChunkedStart + "foo\r\n", "GET"),
        ["chunked head"] = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello world\r\n1\r\nd\r\n0\r\n\r\n", "HEAD"),
        ["negative content length"] = ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nHello\r\n", "GET"),
        ["incomplete read"] = ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello\r\n", "GET"),
        ["epipe response"] = ("HTTP/1.0 401 Authorization Required\r\nContent-type: text/html\r\nWWW-Authenticate: Basic realm=\"example\"\r\n", "GET"),
        ["long status line"] = ("HTTP/1.1 200 Ok" + new string('k', 65536) + "\r\n", "GET"),
        ["long header line"] = ("HTTP/1.1 200 OK\r\nX-Foo: bar" + new string('r', 65536) + "\r\n\r\n", "GET"),
        ["header limit after 100"] = ("HTTP/1.1 100 OK\r\n" + string.Concat(Enumerable.Repeat("r\n", 32768)), "GET"),
        ["long chunk size"] = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + new string('0', 65536) + "a\r\nhello world\r\n0\r\n\r\n", "GET"),
        ["early eof"] = ("HTTP/1.1 200 Ok", "GET"),
        ["invalid status line"] = ("Invalid status line", "GET"),
        ["chunk extension"] = (ChunkedStart + "3;foo=bar\r\nabc\r\n" + LastChunkExtended + ChunkedEnd, "GET"),
        ["chunked missing end"] = (ChunkedStart + LastChunk, "GET"),
        ["chunked trailers"] = (ChunkedStart + LastChunk + Trailers + ChunkedEnd + NextResponse, "GET"),
        ["content length sync"] = ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello123\r\n" + NextResponse, "GET"),
        ["content length 30"] = ("HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n" + string.Concat(Enumerable.Repeat("Hello123\r\n", 3)) + NextResponse, "GET"),
        ["malformed header"] = ("HTTP/1.1 200 OK\r\nFirst: val\r\n: nval\r\nSecond: val\r\n\r\n", "GET"),
        ["debug headers"] = ("HTTP/1.1 200 OK\r\nFirst: val\r\nSecond: val1\r\nSecond: val2\r\n", "GET"),
        ["folded"] = ("HTTP/1.1 200 OK\r\nobs-fold: text\r\n folded with space\r\n\tfolded with tab\r\nA: b\rC: d\r\nContent-Length: 0\r\n\r\n", "GET"),
        ["my-header"] = ("HTTP/1.1 200 Ok\r\nMy-Header: first-value\r\nMy-Header:                 second-value\r\n\r\nText", "GET"),
        ["100 then eof"] = ("HTTP/1.1 100 Continue\r\n\r\n", "GET"),
        ["100 then 200"] = ("HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + NextResponse, "GET"),
        ["extended lines"] = ("HTTP/1.1 200 OK\r\n\r\nhello world!\nand now \nfor something completely different\nfoo", "GET"),
        ["extended chunked"] = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhello worl\r\n3\r\nd!\n\r\n9\r\nand now \n\r\n23\r\nfor something completely different\n\r\n3\r\nfoo\r\n0\r\n\r\n", "GET"),
        ["partial chunk"] = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n5\r\nabc", "GET"),
        ["empty"] = ("", "GET"),
    };

    public static IEnumerable<object[]> Cases =>
        from name in Scripts.Keys
        from split in new[] { ReadSplit.OneByte, ReadSplit.RandomSeed1, ReadSplit.RandomSeed2, ReadSplit.RandomSeed3 }
        select new object[] { name, split };

    /// <summary>How the body is read: all at once, in small Read(n) pieces, or line by line.</summary>
    internal enum BodyReader { All, Pieces, Lines }

    internal static string Observe(string script, string method, ReadSplit split, BodyReader reader)
    {
        var log = new List<string>();
        var factory = new TransportFactory(split, script);
        using var conn = factory.CreateConnection();
        conn.Request(method, "/");
        HttpResponse resp;
        try { resp = conn.GetResponse(); }
        catch (Exception e) { return Describe(e); }
        using (resp)
        {
            log.Add($"{resp.Version} {resp.Status} [{resp.Reason}] will_close={resp.WillClose}");
            log.AddRange(resp.GetHeaders().Select(h => $"{h.Key}: {h.Value}"));
            try
            {
                var body = new List<byte>();
                for (int guard = 0; guard < 100_000; guard++)
                {
                    byte[] piece = reader switch
                    {
                        BodyReader.All => resp.Read(),
                        BodyReader.Pieces => resp.Read(7),
                        _ => resp.ReadLine(),
                    };
                    body.AddRange(piece);
                    if (piece.Length == 0 || reader == BodyReader.All) break;
                }
                log.Add("body: " + Latin1.Text(body.ToArray()));
                log.Add($"isclosed={resp.IsClosed}");
            }
            catch (Exception e) { log.Add(Describe(e)); }
        }
        if (script.EndsWith(NextResponse, StringComparison.Ordinal))
        {
            try
            {
                conn.Request("GET", "/next");
                using var next = conn.GetResponse();
                log.Add($"next: {next.Status} {Latin1.Text(next.Read())} transports={factory.OpenCount}");
            }
            catch (Exception e) { log.Add("next: " + Describe(e)); }
        }
        return string.Join("\n", log);
    }

    private static string Describe(Exception e) => e switch
    {
        IncompleteReadException ir => $"{e.GetType().Name}: {e.Message} partial=[{Latin1.Text(ir.Partial)}] expected={ir.Expected}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SplitReads_GiveTheSameResultsAsWhole(string name, ReadSplit split)
    {
        var (script, method) = Scripts[name];
        foreach (var reader in new[] { BodyReader.All, BodyReader.Pieces, BodyReader.Lines })
        {
            var whole = Observe(script, method, ReadSplit.Whole, reader);
            Assert.Equal(whole, Observe(script, method, split, reader));
        }
    }
}

/// <summary>Guards the guard: the observations compared above carry real content.</summary>
public class SplitEquivalenceObservationTests
{
    [Fact]
    public void Observation_HasStatusHeadersBodyAndNextResponse()
    {
        var text = SplitEquivalenceTests.Observe("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello123\r\n" + Fixtures.NextResponse, "GET", ReadSplit.OneByte, SplitEquivalenceTests.BodyReader.All);
        Assert.Equal("11 200 [OK] will_close=False\nContent-Length: 10\nbody: Hello123\r\n\nisclosed=True\nnext: 200 extradata transports=1", text);
    }
}
