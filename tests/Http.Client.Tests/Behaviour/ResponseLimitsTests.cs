using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// Issue 14 on the response side, sync and async: CPython's post-3.11 bounds (interim responses, trailers, the 9e18
/// Content-Length), the strict framing rules (docs/differences.md #32-36) and <see cref="HttpConnectionLimits"/>.
/// </summary>
public class ResponseLimitsTests
{
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private static async Task<HttpResponse> GetAsync(HttpConnection conn, bool async)
    {
        if (async)
        {
            await conn.RequestAsync("GET", "/");
            return await conn.GetResponseAsync();
        }
        conn.Request("GET", "/");
        return conn.GetResponse();
    }

    private static async Task<byte[]> ReadAsync(HttpResponse response, bool async) => async ? await response.ReadAsync() : response.Read();

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hundred_interim_responses_pass_the_101st_fails(bool async)
    {
        var factory = new TransportFactory(ReadSplit.Whole, Repeat("HTTP/1.1 100 Continue\r\n\r\n", 100) + Ok, Repeat("HTTP/1.1 100 Continue\r\n\r\n", 101) + Ok);
        using HttpConnection conn = factory.CreateConnection();
        using (HttpResponse response = await GetAsync(conn, async))
        {
            Assert.Equal("ok"u8.ToArray(), await ReadAsync(response, async));
        }
        conn.Close();
        var e = await Assert.ThrowsAsync<HttpException>(() => GetAsync(conn, async));
        Assert.Equal("got more than 100 interim responses", e.Message);
        Assert.True(factory.Transports[1].IsDisposed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Endless_continue_responses_end_with_the_error_in_bounded_time_and_memory(bool async)
    {
        var endless = new EndlessStream("HTTP/1.1 100 Continue\r\nX: y\r\n\r\n"u8.ToArray());
        using var conn = new HttpConnection("example.com") { ConnectCallback = (_, _) => new ValueTask<Stream>(endless) };
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<HttpException>(() => GetAsync(conn, async));
        Assert.Equal("got more than 100 interim responses", e.Message);
        Assert.InRange(endless.BytesServed, 1, Http.Client.Internal.Transport.InitialBufferSize + 101 * 32); // one buffer fill past what 101 replies need, then stopped
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Huge_content_length_read_grows_with_the_bytes_that_arrive(bool async)
    {
        // CVE-2025-13836 (gh-119451): Read() is never sized from the declared length.
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(body);
        byte[] reply = [.. Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 9000000000000000000\r\n\r\n"), .. body];
        using HttpConnection conn = new TransportFactory(ReadSplit.Whole, reply).CreateConnection();
        using HttpResponse response = await GetAsync(conn, async);
        var e = await Assert.ThrowsAsync<IncompleteReadException>(() => ReadAsync(response, async));
        Assert.Equal(body, e.Partial);
        Assert.Equal(9000000000000000000L - body.Length, e.Expected);
        Assert.True(response.IsClosed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chunk_data_not_followed_by_crlf_is_an_incomplete_read_and_ends_the_body(bool async)
    {
        // docs/differences.md #35 (CPython discards the two bytes unchecked and returns "okabc").
        var factory = new TransportFactory(ReadSplit.Whole, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX3\r\nabc\r\n0\r\n\r\n", Ok);
        using HttpConnection conn = factory.CreateConnection();
        using (HttpResponse response = await GetAsync(conn, async))
        {
            var e = await Assert.ThrowsAsync<IncompleteReadException>(() => ReadAsync(response, async));
            Assert.Equal("ok"u8.ToArray(), e.Partial);
            Assert.True(response.IsClosed);
        }
        using HttpResponse next = await GetAsync(conn, async);
        Assert.Equal("ok"u8.ToArray(), await ReadAsync(next, async));
        Assert.Equal(2, factory.OpenCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chunk_data_followed_by_a_bare_lf_is_accepted(bool async)
    {
        using HttpConnection conn = new TransportFactory(ReadSplit.OneByte, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\n3\nabc\n0\n\n").CreateConnection();
        using HttpResponse response = await GetAsync(conn, async);
        Assert.Equal("okabc"u8.ToArray(), await ReadAsync(response, async));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Content_length_beside_chunked_chunked_wins_and_the_connection_is_not_reused(bool async)
    {
        // docs/differences.md #34 (RFC 9112 section 6.3; CPython keeps the connection).
        var factory = new TransportFactory(ReadSplit.Whole, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n" + Ok, Ok);
        using HttpConnection conn = factory.CreateConnection();
        using (HttpResponse response = await GetAsync(conn, async))
        {
            Assert.True(response.WillClose);
            Assert.Equal("ok"u8.ToArray(), await ReadAsync(response, async));
        }
        Assert.True(factory.Transports[0].IsDisposed);
        using HttpResponse next = await GetAsync(conn, async);
        Assert.Equal("ok"u8.ToArray(), await ReadAsync(next, async));
        Assert.Equal(2, factory.OpenCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task No_body_after_204_even_when_chunked(bool async)
    {
        // docs/differences.md #32 (CPython reads a chunked body after a 204 or 304): the next bytes are the next response.
        var factory = new TransportFactory(ReadSplit.Whole, "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n" + Ok);
        using HttpConnection conn = factory.CreateConnection();
        using (HttpResponse response = await GetAsync(conn, async))
        {
            Assert.Empty(await ReadAsync(response, async));
        }
        using HttpResponse next = await GetAsync(conn, async);
        Assert.Equal("ok"u8.ToArray(), await ReadAsync(next, async));
        Assert.Equal(1, factory.OpenCount);
    }

    public static IEnumerable<object[]> LimitCases()
    {
        foreach (bool async in new[] { false, true })
        {
            yield return new object[] { async, "MaxLineLength=64", "HTTP/1.1 200 OK\r\nX: " + new string('v', 70) + "\r\n\r\n", "LineTooLong header line" };
            yield return new object[] { async, "MaxLineLength=64", "HTTP/1.1 200 " + new string('r', 70) + "\r\n\r\n", "LineTooLong status line" };
            yield return new object[] { async, "MaxHeaders=3", "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", "got more than 3 headers" };
            yield return new object[] { async, "MaxHeaderBytes=20", "HTTP/1.1 200 OK\r\nA: 1234567890\r\nB: 1234567890\r\n\r\n", "got more than 20 bytes of headers" };
            yield return new object[] { async, "MaxInterimResponses=0", "HTTP/1.1 100 Continue\r\n\r\n" + Ok, "got more than 0 interim responses" };
            yield return new object[] { async, "MaxTrailerLines=2", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", "got more than 2 trailer lines" };
            yield return new object[] { async, "MaxTrailerBytes=10", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: 1234567890\r\n\r\n", "got more than 10 bytes of trailers" };
            yield return new object[] { async, "MaxChunkExtensionBytes=8", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;name=value\r\nok\r\n0\r\n\r\n", "LineTooLong chunk size" };
        }
    }

    [Theory]
    [MemberData(nameof(LimitCases))]
    public async Task Limits_are_obeyed_with_cpython_exceptions(bool async, string setting, string reply, string expected)
    {
        using HttpConnection conn = new TransportFactory(ReadSplit.RandomSeed1, reply).CreateConnection();
        Apply(conn.Limits, setting);
        HttpException e = await Assert.ThrowsAnyAsync<HttpException>(async () =>
        {
            using HttpResponse response = await GetAsync(conn, async);
            await ReadAsync(response, async);
        });
        Assert.Equal(expected, e is LineTooLongException tooLong ? "LineTooLong " + tooLong.LineType : e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_connect_reply_obeys_the_limits(bool async)
    {
        var factory = TransportFactory.Repeating("HTTP/1.1 200 Connection established\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n" + Ok);
        using HttpConnection conn = factory.CreateConnection("proxy.example");
        conn.Limits.MaxHeaders = 3;
        conn.SetTunnel("target.example");
        var e = await Assert.ThrowsAsync<HttpException>(() => GetAsync(conn, async));
        Assert.Equal("got more than 3 headers", e.Message);
        conn.Limits.MaxHeaders = 5;
        using HttpResponse response = await GetAsync(conn, async);
        Assert.Equal("ok"u8.ToArray(), await ReadAsync(response, async));
    }

    [Fact]
    public void Limits_reject_out_of_range_values()
    {
        var limits = new HttpConnectionLimits();
        Assert.Equal(65536, limits.MaxLineLength);
        Assert.Equal(100, limits.MaxHeaders);
        Assert.Equal(100, limits.MaxInterimResponses);
        Assert.Equal(100, limits.MaxTrailerLines);
        Assert.False(limits.TimeoutBoundsWholeHead);
        Assert.Throws<ArgumentOutOfRangeException>(() => limits.MaxLineLength = 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => limits.MaxHeaders = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => limits.MaxTrailerLines = -1);
        using var conn = new HttpConnection("example.com");
        Assert.Throws<ArgumentNullException>(() => conn.Limits = null!);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_head_sent_one_byte_at_a_time_times_out_only_when_the_timeout_bounds_the_whole_head(bool async, bool wholeHead)
    {
        // Loopback (a real socket: the sync path blocks under the socket's own timeout): 80 bytes, one every 40 ms,
        // against a 2 s Timeout. Per read (the default, CPython's), each read is quick (2 s leaves room for a loaded
        // machine's scheduling) and the head arrives after 3.2 s; for the whole head, 3.2 s exceeds the budget.
        byte[] head = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nX-Slow: abcdefghij\r\nX-Pad: 0123456789012345678901234567890123\r\n\r\n");
        await using var server = LoopbackServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            try
            {
                await connection.SendInPiecesAsync(head, 1, TimeSpan.FromMilliseconds(40));
            }
            catch (IOException)
            {
                // The client gave up (whole-head budget): nothing more to send.
            }
        });
        using HttpConnection conn = server.CreateConnection(TimeSpan.FromSeconds(2));
        conn.Limits.TimeoutBoundsWholeHead = wholeHead;
        if (wholeHead)
        {
            await Assert.ThrowsAsync<TimeoutException>(() => GetAsync(conn, async));
            Assert.False(conn.IsConnected);
        }
        else
        {
            using HttpResponse response = await GetAsync(conn, async);
            Assert.Equal("abcdefghij", response.GetHeader("X-Slow"));
        }
    }

    private static void Apply(HttpConnectionLimits limits, string setting)
    {
        string[] parts = setting.Split('=');
        typeof(HttpConnectionLimits).GetProperty(parts[0])!.SetValue(limits, int.Parse(parts[1]));
    }

    /// <summary>A server that repeats one reply for ever (bounded by what the client reads), counting the bytes served.</summary>
    private sealed class EndlessStream(byte[] pattern) : UnseekableStream
    {
        private long _served;

        public long BytesServed => Interlocked.Read(ref _served);

        public override int Read(Span<byte> buffer)
        {
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = pattern[(int)(_served++ % pattern.Length)];
            }
            return buffer.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override bool CanWrite => true;

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;
    }
}
