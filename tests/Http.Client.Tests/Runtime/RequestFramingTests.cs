using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>Request heads and bodies compared with CPython 3.11's bytes on the wire (behavior.md C13-C16).</summary>
    public class RequestFramingTests
    {
        private static string Sent(Action<HttpConnection> act, string host = "example.com", int? port = null)
        {
            var transports = TransportFactory.Repeating("");
            using HttpConnection conn = transports.CreateConnection(host, port);
            act(conn);
            return transports.Transports[0].Sent;
        }

        private static KeyValuePair<string, string>[] H(params string[] pairs)
        {
            var list = new KeyValuePair<string, string>[pairs.Length / 2];
            for (int i = 0; i < list.Length; i++)
            {
                list[i] = new KeyValuePair<string, string>(pairs[2 * i], pairs[2 * i + 1]);
            }
            return list;
        }

        [Theory]
        [InlineData("stra\u00dfe.de", null, "strasse.de")]
        [InlineData("B\u00dccher.DE", 8080, "xn--bcher-kva.DE:8080")]
        [InlineData("[fe80::%2]:81", null, "[fe80::]:81")]
        [InlineData("[2001:102A::]", null, "[2001:102A::]")]
        [InlineData("2001::1", 80, "[2001::1]")]
        [InlineData("h:8080", null, "h:8080")]
        public void Host_header_from_the_connection(string host, int? port, string expected) =>
            Assert.Equal($"GET / HTTP/1.1\r\nHost: {expected}\r\nAccept-Encoding: identity\r\n\r\n", Sent(c => c.Request("GET", "/"), host, port));

        [Theory]
        [InlineData("http://other.com:80/x", "other.com:80")]
        [InlineData("https://u:p@other.com/x", "u:p@other.com")]
        [InlineData("http://[fe80::1%25eth0]:8080/x", "[fe80::1]")]
        public void Host_header_from_an_absolute_url(string url, string expected) =>
            Assert.Equal($"GET {url} HTTP/1.1\r\nHost: {expected}\r\nAccept-Encoding: identity\r\n\r\n", Sent(c => c.Request("GET", url)));

        [Fact]
        public void Caller_headers_suppress_the_automatic_ones()
        {
            string sent = Sent(c => c.Request("POST", "/", "spamspamspam", H("content-LENGTH", "12", "HOST", "h", "accept-encoding", "gzip")));
            Assert.Equal("POST / HTTP/1.1\r\ncontent-LENGTH: 12\r\nHOST: h\r\naccept-encoding: gzip\r\n\r\nspamspamspam", sent);
        }

        [Theory]
        [InlineData("GET", false)]
        [InlineData("DELETE", false)]
        [InlineData("HEAD", false)]
        [InlineData("POST", true)]
        [InlineData("put", true)]
        [InlineData("patch", true)]
        public void No_body_gives_content_length_0_only_for_methods_expecting_one(string method, bool expected) =>
            Assert.Equal(expected, Sent(c => c.Request(method, "/")).Contains("Content-Length: 0\r\n", StringComparison.Ordinal));

        [Fact]
        public void Empty_string_body_gives_content_length_0_even_for_get() =>
            Assert.Contains("Content-Length: 0\r\n\r\n", Sent(c => c.Request("GET", "/", "")), StringComparison.Ordinal);

        [Fact]
        public void Chunk_sequence_is_chunked_with_uppercase_sizes_and_empty_pieces_skipped()
        {
            string sent = Sent(c => c.Request("POST", "/", RequestBody.FromChunks(Pieces())));
            Assert.Equal("POST / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n12C\r\n" + new string('c', 300) + "\r\n0\r\n\r\n", sent);

            static IEnumerable<byte[]> Pieces()
            {
                yield return "ab"u8.ToArray();
                yield return Array.Empty<byte>();
                yield return Enumerable.Repeat((byte)'c', 300).ToArray();
            }
        }

        [Fact]
        public async Task Async_chunk_sequence_is_chunked()
        {
            var transports = TransportFactory.Repeating("");
            using HttpConnection conn = transports.CreateConnection();
            await conn.RequestAsync("POST", "/", RequestBody.FromChunks(Pieces()));
            Assert.EndsWith("\r\n\r\n1\r\na\r\n1\r\nb\r\n0\r\n\r\n", transports.Transports[0].Sent, StringComparison.Ordinal);

            static async IAsyncEnumerable<ReadOnlyMemory<byte>> Pieces()
            {
                await Task.Yield();
                yield return "a"u8.ToArray();
                yield return ReadOnlyMemory<byte>.Empty;
                yield return "b"u8.ToArray();
            }
        }

        [Fact]
        public void Explicit_transfer_encoding_keeps_encode_chunked_as_given()
        {
            Assert.Equal("PUT / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
                Sent(c => c.Request("PUT", "/", Array.Empty<byte>(), H("Transfer-Encoding", "gzip, chunked"), encodeChunked: true)));
            Assert.Equal("PUT / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\nabc",
                Sent(c => c.Request("PUT", "/", RequestBody.FromChunks(new[] { "abc"u8.ToArray() }), H("Transfer-Encoding", "chunked"))));
        }

        [Fact]
        public void Explicit_content_length_sends_the_body_raw_and_unchecked()
        {
            Assert.Equal("GET /foo HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 11\r\n\r\nonetwothree",
                Sent(c => c.Request("GET", "/foo", RequestBody.FromChunks(new[] { "one"u8.ToArray(), "two"u8.ToArray(), "three"u8.ToArray() }), H("Content-Length", "11"))));
            Assert.EndsWith("Content-Length: 42\r\n\r\nbody", Sent(c => c.Request("PUT", "/", "body", H("Content-Length", "42"))), StringComparison.Ordinal);
        }

        [Fact]
        public void Text_reader_is_chunked_latin1()
        {
            Assert.EndsWith("Transfer-Encoding: chunked\r\n\r\n2\r\nh\xe9\r\n0\r\n\r\n", Sent(c => c.Request("GET", "/", new StringReader("h\u00e9"))), StringComparison.Ordinal);
        }

        [Fact]
        public void Stream_body_with_content_length_is_three_writes_for_block_size_8()
        {
            // CPython's test_blocksize_request.
            using var conn = new HttpConnection("example.com", blockSize: 8);
            var stream = new ScriptedTransport("");
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(stream);
            conn.Request("PUT", "/", new MemoryStream("123456789"u8.ToArray()), H("Content-Length", "9"));
            Assert.Equal(3, stream.Writes.Count);
            Assert.Equal("12345678", Encoding.ASCII.GetString(stream.Writes[1]));
            Assert.Equal("9", Encoding.ASCII.GetString(stream.Writes[2]));
        }

        [Fact]
        public void Send_stream_uses_block_size_writes()
        {
            using var conn = new HttpConnection("example.com", blockSize: 8);
            var stream = new ScriptedTransport("");
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(stream);
            conn.Send(new MemoryStream("123456789"u8.ToArray()));
            Assert.Equal(2, stream.Writes.Count);
        }

        [Fact]
        public void Small_body_shares_the_head_write_and_large_body_follows_in_blocks()
        {
            var transports = TransportFactory.Repeating("");
            using (HttpConnection conn = transports.CreateConnection())
            {
                conn.Request("POST", "/", new byte[1000]);
                Assert.Single(transports.Transports[0].Writes);
            }
            using (var conn = new HttpConnection("example.com", blockSize: 8192))
            {
                var stream = new ScriptedTransport("");
                conn.ConnectCallback = (_, _) => new ValueTask<Stream>(stream);
                conn.Request("POST", "/", new byte[40000]);
                Assert.Equal(1 + 5, stream.Writes.Count);
                Assert.Equal(40000, stream.Writes.Skip(1).Sum(w => w.Length));
            }
            var chunkedTransports = TransportFactory.Repeating("");
            using (HttpConnection conn = chunkedTransports.CreateConnection())
            {
                conn.PutRequest("POST", "/");
                conn.EndHeaders(new byte[40000], encodeChunked: true);
                Assert.EndsWith("\r\n\r\n9C40\r\n", Encoding.Latin1.GetString(chunkedTransports.Transports[0].Writes[0]), StringComparison.Ordinal);
                Assert.Equal("\r\n0\r\n\r\n", Encoding.Latin1.GetString(chunkedTransports.Transports[0].Writes[^1]));
            }
        }

        [Fact]
        public void Validation_messages_match_cpython()
        {
            var transports = TransportFactory.Repeating("");
            using HttpConnection conn = transports.CreateConnection();
            Assert.Equal("method can't contain control characters. 'GET\\r' (found at least '\\r')",
                Assert.Throws<ArgumentException>(() => conn.Request("GET\r", "/")).Message);
            Assert.Equal("URL can't contain control characters. '/a b' (found at least ' ')",
                Assert.Throws<InvalidUrlException>(() => conn.Request("GET", "/a b")).Message);
            Assert.Equal("'ascii' codec can't encode character '\\xe9' in position 5: ordinal not in range(128)",
                Assert.ThrowsAny<ArgumentException>(() => conn.Request("GET", "/\u00e9")).Message);
            Assert.Equal("Invalid header name b'X:Y'", Assert.Throws<ArgumentException>(() => conn.Request("GET", "/", null, H("X:Y", "1"))).Message);
            Assert.Contains("(header 'X')", Assert.ThrowsAny<ArgumentException>(() => conn.Request("GET", "/", null, H("X", "\u0101"))).Message, StringComparison.Ordinal);
            Assert.Equal("'latin-1' codec can't encode character '\\u0101' in position 0: Body ('\u0101') is not valid Latin-1. Use body.encode('utf-8') if you want to send it encoded in UTF-8.",
                Assert.ThrowsAny<ArgumentException>(() => conn.Request("POST", "/", "\u0101")).Message);
            Assert.Empty(transports.Transports);
        }

        [Fact]
        public void Raw_byte_headers_allow_obs_text()
        {
            string sent = Sent(c =>
            {
                c.PutRequest("GET", "/", skipHost: true, skipAcceptEncoding: true);
                c.PutHeader(Encoding.Latin1.GetBytes("Nonbreak\xa0Space"), new byte[] { 0xff, 0x85 });
                c.PutHeader("Key", " a\r\n\tb ");
                c.PutHeader("Empty");
                c.EndHeaders();
            });
            Assert.Equal("GET / HTTP/1.1\r\nNonbreak\xa0Space: \xff\x85\r\nKey:  a\r\n\tb \r\nEmpty: \r\n\r\n", sent);
        }

        [Theory]
        [InlineData("www.python.org:abc", "nonnumeric port: 'abc'")]
        [InlineData("user:password@www.python.org", "nonnumeric port: 'password@www.python.org'")]
        [InlineData("h:+80", "nonnumeric port: '+80'")]
        [InlineData("h:99999", "port out of range: 99999 (must be 0-65535)")]
        [InlineData("h x", "URL can't contain control characters. 'h x' (found at least ' ')")]
        public void Bad_hosts_and_ports_are_invalid_urls(string host, string message) =>
            Assert.Equal(message, Assert.Throws<InvalidUrlException>(() => new HttpConnection(host)).Message);

        [Theory]
        [InlineData("h", "h", 80)]
        [InlineData("h:", "h", 80)]
        [InlineData("h:8080", "h", 8080)]
        [InlineData("[fe80::207:e9ff:fe9b]:8000", "fe80::207:e9ff:fe9b", 8000)]
        [InlineData("[fe80::207:e9ff:fe9b]:", "fe80::207:e9ff:fe9b", 80)]
        [InlineData("[fe80::1%eth0]:81", "fe80::1%eth0", 81)]
        [InlineData(":80", "", 80)]
        public void Host_and_port_split_like_cpython(string input, string host, int port)
        {
            using var conn = new HttpConnection(input);
            Assert.Equal(host, conn.Host);
            Assert.Equal(port, conn.Port);
        }

        [Fact]
        public void Explicit_port_out_of_range_is_rejected() =>
            Assert.Throws<InvalidUrlException>(() => new HttpConnection("h", 70000));
    
        [Fact]
        public void Reader_with_a_character_above_latin1_fails_after_the_head_and_closes()
        {
            var transports = TransportFactory.Repeating("");
            using HttpConnection conn = transports.CreateConnection();
            var e = Assert.ThrowsAny<ArgumentException>(() => conn.Request("POST", "/", new StringReader("ok\u0101")));
            Assert.Equal("'latin-1' codec can't encode character '\\u0101' in position 2: ordinal not in range(256)", e.Message);
            Assert.Equal("Idle", conn.StateName);
            Assert.True(transports.Transports[0].IsDisposed);
        }

        [Fact]
        public void Endheaders_accepts_a_string_body_and_async_sequences_work_on_the_sync_path()
        {
            Assert.EndsWith("\r\n\r\nbody\xe9", Sent(c =>
            {
                c.PutRequest("POST", "/");
                c.EndHeaders("body\u00e9");
            }), StringComparison.Ordinal);
            Assert.EndsWith("\r\n\r\n1\r\nx\r\n0\r\n\r\n", Sent(c => c.Request("POST", "/", RequestBody.FromChunks(OnePiece()))), StringComparison.Ordinal);

            static async IAsyncEnumerable<ReadOnlyMemory<byte>> OnePiece()
            {
                await Task.Delay(1);
                yield return "x"u8.ToArray();
            }
        }

        [Fact]
        public async Task Send_async_variants_write_raw_bytes()
        {
            using var conn = new HttpConnection("example.com", blockSize: 4);
            var stream = new ScriptedTransport("");
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(stream);
            await conn.SendAsync("abc"u8.ToArray());
            await conn.SendAsync(new MemoryStream("defghij"u8.ToArray()));
            Assert.Equal(new[] { "abc", "defg", "hij" }, stream.Writes.Select(w => Encoding.ASCII.GetString(w)));
        }
    }
}
