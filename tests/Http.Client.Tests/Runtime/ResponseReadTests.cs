using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>Body reads (behavior.md D6-D10) and the deviations on the response side (docs/differences.md #6, 7, 11, 13, 14).</summary>
    public class ResponseReadTests
    {
        private static HttpResponse Get(string reply, out HttpConnection conn, string method = "GET", int maxRead = int.MaxValue)
        {
            conn = new HttpConnection("example.com");
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(new ScriptedTransport(reply) { MaxReadSize = maxRead });
            conn.Request(method, "/");
            return conn.GetResponse();
        }

        [Fact]
        public void Partial_chunk_bytes_are_in_the_incomplete_read()
        {
            // docs/differences.md #7 (CPython drops "abc").
            using HttpResponse response = Get("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n5\r\nabc", out HttpConnection conn);
            using (conn)
            {
                var e = Assert.Throws<IncompleteReadException>(() => response.Read());
                Assert.Equal("xyabc", Encoding.ASCII.GetString(e.Partial));
                Assert.Null(e.Expected);
                Assert.Equal("IncompleteRead(5 bytes read)", e.Message);
            }
        }

        [Fact]
        public void Short_content_length_body_raises_with_the_missing_count()
        {
            using HttpResponse response = Get("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello\r\n", out HttpConnection conn);
            using (conn)
            {
                var e = Assert.Throws<IncompleteReadException>(() => response.Read());
                Assert.Equal("IncompleteRead(7 bytes read, 3 more expected)", e.Message);
                Assert.Equal(3, e.Expected);
                Assert.True(response.IsClosed);
                Assert.False(response.Closed);
            }
        }

        [Fact]
        public void Negative_read_amount_honours_content_length()
        {
            // docs/differences.md #11 (CPython's read(-1) reads to EOF: "abcdef").
            using HttpResponse response = Get("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef", out HttpConnection conn);
            using (conn)
            {
                Assert.Equal("abc", Encoding.ASCII.GetString(response.Read(-1)));
                Assert.True(response.IsClosed);
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(int.MaxValue)]
        public void Chunked_reads_of_every_size_rebuild_the_body(int maxRead)
        {
            const string reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding:  chunked \r\n\r\na\r\nhello worl\r\n3;ext=1\r\nd! \r\n0\r\nX-Trailer: 1\r\n\r\nEXTRA";
            for (int n = 1; n <= 12; n++)
            {
                using HttpResponse response = Get(reply, out HttpConnection conn, maxRead: maxRead);
                using (conn)
                {
                    string text = Encoding.ASCII.GetString(response.Read(n)) + Encoding.ASCII.GetString(response.Read(n)) + Encoding.ASCII.GetString(response.Read());
                    Assert.Equal("hello world! ", text);
                    Assert.True(response.IsClosed);
                }
            }
        }

        [Fact]
        public void Readline_peek_and_read1_never_pass_the_end_of_the_body()
        {
            using HttpResponse response = Get("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nText\r\nAnotherEXTRA", out HttpConnection conn);
            using (conn)
            {
                Assert.Equal("Text\r\n", Encoding.ASCII.GetString(response.ReadLine()));
                Assert.Equal("Another", Encoding.ASCII.GetString(response.Peek()));
                Assert.Equal("Ano", Encoding.ASCII.GetString(response.Read1(3)));
                Assert.Equal("ther", Encoding.ASCII.GetString(response.Read1()));
                Assert.False(response.IsClosed);
                Assert.Empty(response.Read());
                Assert.True(response.IsClosed);
            }
        }

        [Fact]
        public void Head_response_has_no_body_and_keeps_the_connection()
        {
            using HttpResponse response = Get("HTTP/1.1 200 OK\r\nContent-Length: 14432\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", out HttpConnection conn, "HEAD");
            using (conn)
            {
                Assert.Empty(response.Read());
                Assert.True(response.IsClosed);
                conn.Request("GET", "/");
                using HttpResponse next = conn.GetResponse();
                Assert.Equal(204, next.Status);
            }
        }

        [Fact]
        public void Stream_reads_throw_after_dispose_but_python_reads_return_empty()
        {
            // docs/differences.md #14.
            HttpResponse response = Get("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", out HttpConnection conn);
            using (conn)
            {
                response.Dispose();
                Assert.True(response.Closed);
                Assert.False(response.CanRead);
                Assert.Empty(response.Read());
                Assert.Empty(response.Read(5));
                Assert.Empty(response.ReadLine());
                Assert.Empty(response.Peek());
                Assert.Empty(response.Read1());
                Assert.Throws<ObjectDisposedException>(() => response.Read(new byte[4], 0, 4));
                Assert.Throws<ObjectDisposedException>(() => response.Read(new byte[4].AsSpan()));
                Assert.Throws<NotSupportedException>(() => response.Length);
                Assert.Throws<NotSupportedException>(() => response.Write(new byte[1], 0, 1));
                Assert.False(response.CanSeek);
                Assert.False(response.CanWrite);
            }
        }

        [Fact]
        public void Headers_are_exposed_in_wire_order_with_repeats()
        {
            using HttpResponse response = Get("HTTP/1.0 200 OK\r\nSet-Cookie: a=1\r\nConnection: keep-alive\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n", out HttpConnection conn);
            using (conn)
            {
                Assert.Equal(10, response.Version);
                Assert.False(response.WillClose);
                Assert.Equal("a=1, b=2", response.GetHeader("SET-COOKIE"));
                Assert.Equal("dflt", response.GetHeader("missing", "dflt"));
                IReadOnlyList<KeyValuePair<string, string>> headers = response.GetHeaders();
                Assert.Equal(4, headers.Count);
                Assert.Equal("set-cookie", headers[2].Key);
                Assert.Same(response.Headers, headers);
            }
        }

        [Fact]
        public async Task Large_body_streams_through_a_fixed_buffer()
        {
            const long size = 256L * 1024 * 1024;
            using var conn = new HttpConnection("example.com");
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(new GeneratedResponseStream(size));
            conn.Request("GET", "/big");
            using HttpResponse response = conn.GetResponse();
            var buffer = new byte[64 * 1024];
            long total = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int guard = 0; guard < 100_000; guard++)
            {
                int read = response.Read(buffer, 0, buffer.Length);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(size, total);
            // Debug builds allocate async state machines per call; what matters is that nothing scales with the body.
            Assert.True(allocated < 8 * 1024 * 1024, $"reading the body allocated {allocated} bytes");
            Assert.True(response.IsClosed);

            conn.Request("GET", "/big");
            using HttpResponse again = await conn.GetResponseAsync();
            long asyncTotal = 0;
            for (int guard = 0; guard < 100_000; guard++)
            {
                int read = await again.ReadAsync(buffer.AsMemory());
                if (read == 0)
                {
                    break;
                }
                asyncTotal += read;
            }
            Assert.Equal(size, asyncTotal);
        }

        /// <summary>A transport answering every request head with a Content-Length response of <c>size</c> zero bytes, generated on the fly.</summary>
        private sealed class GeneratedResponseStream : UnseekableStream
        {
            private readonly long _size;
            private byte[] _head = Array.Empty<byte>();
            private int _headPosition;
            private long _bodyLeft;

            public GeneratedResponseStream(long size)
            {
                _size = size;
            }

            public override bool CanWrite => true;

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> buffer)
            {
                if (_headPosition < _head.Length)
                {
                    int n = Math.Min(buffer.Length, _head.Length - _headPosition);
                    _head.AsSpan(_headPosition, n).CopyTo(buffer);
                    _headPosition += n;
                    return n;
                }
                int count = (int)Math.Min(buffer.Length, _bodyLeft);
                buffer.Slice(0, count).Clear();
                _bodyLeft -= count;
                return count;
            }

            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new ValueTask<int>(Read(buffer.Span));

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                _head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {_size}\r\n\r\n");
                _headPosition = 0;
                _bodyLeft = _size;
            }

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                Write(buffer.Span);
                return default;
            }
        }
    }
}
