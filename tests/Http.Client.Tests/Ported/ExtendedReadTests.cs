using System;
using System.Collections.Generic;
using System.Linq;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Ported;

/// <summary>
/// Ports of CPython 3.11 test_httplib.ExtendedReadTest and ExtendedReadTestChunked (the same 7 tests over a
/// close-delimited and a chunked body), each fed whole and in split reads.
/// </summary>
public class ExtendedReadTests
{
    private const string Lines =
        "HTTP/1.1 200 OK\r\n" +
        "\r\n" +
        "hello world!\n" +
        "and now \n" +
        "for something completely different\n" +
        "foo";

    private const string LinesChunked =
        "HTTP/1.1 200 OK\r\n" +
        "Transfer-Encoding: chunked\r\n\r\n" +
        "a\r\n" +
        "hello worl\r\n" +
        "3\r\n" +
        "d!\n\r\n" +
        "9\r\n" +
        "and now \n\r\n" +
        "23\r\n" +
        "for something completely different\n\r\n" +
        "3\r\n" +
        "foo\r\n" +
        "0\r\n" +
        "\r\n";

    private static readonly byte[] LinesExpected = Latin1.Bytes(Lines[Lines.IndexOf("hello", StringComparison.Ordinal)..]);

    /// <summary>Upper bound on loop turns: the body is 60 bytes, so any loop needs far fewer.</summary>
    private const int MaxTurns = 1000;

    public static IEnumerable<object[]> Cases =>
        from chunked in new[] { false, true }
        from split in Splits.All
        select new object[] { chunked, split[0] };

    private static Exchange Begin(bool chunked, ReadSplit split) => Exchange.Begin(chunked ? LinesChunked : Lines, split);

    [Theory]
    [Trait("CPython", "ExtendedReadTest.test_peek")]
    [Trait("CPython", "ExtendedReadTestChunked.test_peek")]
    [MemberData(nameof(Cases))]
    public void Peek_ThenReadWhatWasPeeked(bool chunked, ReadSplit split)
    {
        using var ex = Begin(chunked, split);
        var resp = ex.Response;
        var all = new List<byte>();
        for (int turn = 0; ; turn++)
        {
            Assert.True(turn < MaxTurns, "peek/read loop did not end");
            byte[] next;
            var p = resp.Peek(3);
            if (p.Length > 0)
            {
                var p2 = resp.Peek();
                Assert.True(p2.Length >= p.Length);
                Assert.Equal(p, p2[..p.Length]);
                next = resp.Read(p2.Length);
                Assert.Equal(p2, next);
            }
            else
            {
                next = resp.Read();
                Assert.Empty(next);
            }
            all.AddRange(next);
            if (next.Length == 0) break;
        }
        Assert.Equal(LinesExpected, all.ToArray());
    }

    /// <summary>CPython's _verify_readline: short lines end with \n (except the final "foo"); they rebuild the body.</summary>
    private static void VerifyReadLine(Func<int, byte[]> readLine)
    {
        var all = new List<byte>();
        for (int turn = 0; ; turn++)
        {
            Assert.True(turn < MaxTurns, "readline loop did not end");
            var line = readLine(5);
            Assert.True(line.Length <= 5);
            if (line.Length > 0 && !line.SequenceEqual("foo"u8.ToArray()) && line.Length < 5)
                Assert.Equal((byte)'\n', line[^1]);
            all.AddRange(line);
            if (line.Length == 0) break;
        }
        Assert.Equal(LinesExpected, all.ToArray());
    }

    [Theory]
    [Trait("CPython", "ExtendedReadTest.test_readline")]
    [Trait("CPython", "ExtendedReadTestChunked.test_readline")]
    [MemberData(nameof(Cases))]
    public void ReadLine_ShortLimit(bool chunked, ReadSplit split)
    {
        using var ex = Begin(chunked, split);
        VerifyReadLine(limit => ex.Response.ReadLine(limit));
    }

    [Theory]
    [Trait("CPython", "ExtendedReadTest.test_read1")]
    [Trait("CPython", "ExtendedReadTestChunked.test_read1")]
    [MemberData(nameof(Cases))]
    public void Read1_AsTheSourceOfAReadLine(bool chunked, ReadSplit split)
    {
        using var ex = Begin(chunked, split);
        var readliner = new Readliner(() =>
        {
            var res = ex.Response.Read1(4);
            Assert.True(res.Length <= 4);
            return res;
        });
        VerifyReadLine(readliner.ReadLine);
    }

    [Theory]
    [Trait("CPython", "ExtendedReadTest.test_read1_unbounded")]
    [Trait("CPython", "ExtendedReadTestChunked.test_read1_unbounded")]
    [MemberData(nameof(Cases))]
    public void Read1_Unbounded(bool chunked, ReadSplit split)
    {
        using var ex = Begin(chunked, split);
        var all = new List<byte>();
        for (int turn = 0; ; turn++)
        {
            Assert.True(turn < MaxTurns, "read1 loop did not end");
            var data = ex.Response.Read1();
            if (data.Length == 0) break;
            all.AddRange(data);
        }
        Assert.Equal(LinesExpected, all.ToArray());
    }

    [Theory]
    [Trait("CPython", "ExtendedReadTest.test_read1_bounded")]
    [Trait("CPython", "ExtendedReadTestChunked.test_read1_bounded")]
    [MemberData(nameof(Cases))]
    public void Read1_Bounded(bool chunked, ReadSplit split)
    {
        using var ex = Begin(chunked, split);
        var all = new List<byte>();
        for (int turn = 0; ; turn++)
        {
            Assert.True(turn < MaxTurns, "read1 loop did not end");
            var data = ex.Response.Read1(10);
            if (data.Length == 0) break;
            Assert.True(data.Length <= 10);
            all.AddRange(data);
        }
        Assert.Equal(LinesExpected, all.ToArray());
    }

    [Theory]
    [Trait("CPython", "ExtendedReadTest.test_read1_0")]
    [Trait("CPython", "ExtendedReadTestChunked.test_read1_0")]
    [MemberData(nameof(Cases))]
    public void Read1_Zero(bool chunked, ReadSplit split)
    {
        using var ex = Begin(chunked, split);
        Assert.Empty(ex.Response.Read1(0));
    }

    [Theory]
    [Trait("CPython", "ExtendedReadTest.test_peek_0")]
    [Trait("CPython", "ExtendedReadTestChunked.test_peek_0")]
    [MemberData(nameof(Cases))]
    public void Peek_Zero(bool chunked, ReadSplit split)
    {
        using var ex = Begin(chunked, split);
        var p = ex.Response.Peek(0);
        Assert.NotNull(p);
        // Peeking consumes nothing: the whole body is still there.
        Assert.Equal(LinesExpected, ex.Response.Read());
    }

    /// <summary>CPython's Readliner: a readline with a limit, built on an arbitrary read function.</summary>
    private sealed class Readliner
    {
        private readonly Func<byte[]> _read;
        private byte[] _remainder = Array.Empty<byte>();

        public Readliner(Func<byte[]> read) => _read = read;

        public byte[] ReadLine(int limit)
        {
            var data = new List<byte>();
            var read = _remainder;
            int idx;
            for (int turn = 0; ; turn++)
            {
                Assert.True(turn < MaxTurns, "Readliner did not end");
                idx = Array.IndexOf(read, (byte)'\n');
                if (idx != -1 && data.Count + idx + 1 <= limit) break;
                if (data.Count + read.Length >= limit)
                {
                    idx = limit - data.Count - 1;
                    break;
                }
                data.AddRange(read);
                read = _read();
                if (read.Length == 0) { idx = -1; break; }
            }
            idx += 1;
            data.AddRange(read[..idx]);
            _remainder = read[idx..];
            return data.ToArray();
        }
    }
}
