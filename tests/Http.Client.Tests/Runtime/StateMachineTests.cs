using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>The connection state machine (ConnectionState.cs) including docs/differences.md #1-6.</summary>
    public class StateMachineTests
    {
        private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

        [Fact]
        public void Cpython_state_errors_carry_the_state_names()
        {
            using HttpConnection conn = TransportFactory.Repeating(Ok + Ok).CreateConnection();
            Assert.Equal("Idle", Assert.Throws<ResponseNotReadyException>(() => conn.GetResponse()).State);
            Assert.Throws<CannotSendHeaderException>(() => conn.PutHeader("A", "b"));
            Assert.Throws<CannotSendHeaderException>(() => conn.EndHeaders());
            conn.PutRequest("GET", "/");
            Assert.Equal("Request-started", Assert.Throws<CannotSendRequestException>(() => conn.PutRequest("GET", "/")).State);
            Assert.Equal("Request-started", Assert.Throws<ResponseNotReadyException>(() => conn.GetResponse()).State);
            conn.EndHeaders();
            Assert.Equal("Request-sent", Assert.Throws<CannotSendRequestException>(() => conn.Request("GET", "/")).State);
            Assert.Throws<CannotSendHeaderException>(() => conn.PutHeader("A", "b"));
            using HttpResponse response = conn.GetResponse();
            Assert.Equal("Idle", conn.StateName);
        }

        [Fact]
        public void Rejected_request_leaves_nothing_behind()
        {
            var transports = TransportFactory.Repeating(Ok);
            using HttpConnection conn = transports.CreateConnection();
            var bad = new[] { new KeyValuePair<string, string>("X-Bad", "a\r\n") };
            var e = Assert.Throws<ArgumentException>(() => conn.Request("GET", "/", null, bad));
            Assert.Equal("Invalid header value b'a\\r\\n'", e.Message);
            Assert.Equal("Idle", conn.StateName);
            Assert.Throws<InvalidUrlException>(() => conn.PutRequest("GET", "/a b"));
            Assert.Equal("Idle", conn.StateName);
            Assert.ThrowsAny<ArgumentException>(() => conn.Request("POST", "/", "\u0101"));
            Assert.Equal("Idle", conn.StateName);
            Assert.Empty(transports.Transports);

            conn.Request("GET", "/good");
            Assert.Equal("GET /good HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n", transports.Transports[0].Sent);
        }

        [Fact]
        public void Failed_putheader_buffers_nothing_but_keeps_the_request()
        {
            var transports = TransportFactory.Repeating(Ok);
            using HttpConnection conn = transports.CreateConnection();
            conn.PutRequest("GET", "/", skipAcceptEncoding: true);
            conn.PutHeader("A", "1");
            Assert.Equal("Invalid header name b' X'", Assert.Throws<ArgumentException>(() => conn.PutHeader(" X", "v")).Message);
            Assert.ThrowsAny<ArgumentException>(() => conn.PutHeader("B", "ok", "\u0101"));
            conn.PutHeader("C", "x", "y");
            conn.EndHeaders();
            Assert.Equal("GET / HTTP/1.1\r\nHost: example.com\r\nA: 1\r\nC: x\r\n\ty\r\n\r\n", transports.Transports[0].Sent);
        }

        [Fact]
        public void Failed_connect_returns_to_idle_and_the_next_request_reconnects()
        {
            int attempts = 0;
            using var conn = new HttpConnection("example.com");
            conn.ConnectCallback = (_, _) =>
            {
                attempts++;
                if (attempts == 1)
                {
                    throw new IOException("refused");
                }
                return new ValueTask<Stream>(new ScriptedTransport(Ok));
            };
            Assert.Throws<IOException>(() => conn.Request("GET", "/"));
            Assert.Equal("Idle", conn.StateName);
            conn.Request("GET", "/");
            using HttpResponse response = conn.GetResponse();
            Assert.Equal("ok", Encoding.ASCII.GetString(response.Read()));
            Assert.Equal(2, attempts);
        }

        [Fact]
        public void Write_failure_keeps_request_sent_and_the_response_is_still_readable()
        {
            // CPython's test_epipe.
            var stream = new ScriptedTransport("HTTP/1.0 401 Authorization Required\r\nContent-type: text/html\r\nWWW-Authenticate: Basic realm=\"example\"\r\n\r\n")
            {
                FailWriteContaining = "Content-Length"u8.ToArray(),
            };
            using var conn = new HttpConnection("example.com");
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(stream);
            Assert.Throws<IOException>(() => conn.Request("PUT", "/url", "body"));
            Assert.Equal("Request-sent", conn.StateName);
            using HttpResponse response = conn.GetResponse();
            Assert.Equal(401, response.Status);
            Assert.Equal("Basic realm=\"example\"", response.GetHeader("www-authenticate"));
        }

        [Theory]
        [InlineData("garbage\r\n", typeof(BadStatusLineException))]
        [InlineData("HTTP/2.0 200 OK\r\n\r\n", typeof(UnknownProtocolException))]
        [InlineData("", typeof(RemoteDisconnectedException))]
        public void Protocol_errors_close_the_transport_and_return_to_idle(string reply, Type expected)
        {
            var transports = TransportFactory.Repeating(reply);
            using HttpConnection conn = transports.CreateConnection();
            conn.Request("GET", "/");
            Exception e = Assert.ThrowsAny<HttpException>(() => conn.GetResponse());
            Assert.IsType(expected, e);
            Assert.IsAssignableFrom<IOException>(e);
            Assert.Equal("Idle", conn.StateName);
            Assert.True(transports.Transports[0].IsDisposed);
            conn.Request("GET", "/");
            Assert.Equal(2, transports.OpenCount);
        }

        [Fact]
        public void Too_many_headers_and_long_lines_are_rejected()
        {
            var ninetyNine = new StringBuilder("HTTP/1.1 200 OK\r\n");
            for (int i = 0; i < 99; i++)
            {
                ninetyNine.Append("H").Append(i).Append(": v\r\n");
            }
            using (HttpConnection conn = TransportFactory.Repeating(ninetyNine + "Content-Length: 0\r\n\r\n").CreateConnection())
            {
                // 99 header lines + Content-Length = 100 lines + blank: CPython's off-by-one rejects it.
                conn.Request("GET", "/");
                Assert.Equal("got more than 100 headers", Assert.Throws<HttpException>(() => conn.GetResponse()).Message);
            }
            using (HttpConnection conn = TransportFactory.Repeating(ninetyNine + "\r\n").CreateConnection())
            {
                conn.Request("GET", "/");
                using HttpResponse response = conn.GetResponse();
                Assert.Equal(99, response.Headers.Count);
            }
            string longest = "X: " + new string('a', 65536 - 5) + "\r\n";
            using (HttpConnection conn = TransportFactory.Repeating("HTTP/1.1 200 OK\r\n" + longest + "Content-Length: 0\r\n\r\n").CreateConnection())
            {
                conn.Request("GET", "/");
                using HttpResponse response = conn.GetResponse();
                Assert.Equal(65536 - 5, response.GetHeader("X")!.Length);
            }
            using (HttpConnection conn = TransportFactory.Repeating("HTTP/1.1 200 OK\r\nX: " + new string('a', 65536 - 4) + "\r\n\r\n").CreateConnection())
            {
                conn.Request("GET", "/");
                Assert.Equal("header line", Assert.Throws<LineTooLongException>(() => conn.GetResponse()).LineType);
            }
        }

        [Fact]
        public void Unread_keep_alive_response_blocks_getresponse_but_not_a_new_request()
        {
            var transports = TransportFactory.Repeating(Ok + Ok);
            using HttpConnection conn = transports.CreateConnection();
            conn.Request("GET", "/1");
            HttpResponse first = conn.GetResponse();
            conn.Request("GET", "/2");
            Assert.Equal("Request-sent", Assert.Throws<ResponseNotReadyException>(() => conn.GetResponse()).State);
            Assert.Equal("ok", Encoding.ASCII.GetString(first.Read()));
            using HttpResponse second = conn.GetResponse();
            Assert.Equal("ok", Encoding.ASCII.GetString(second.Read()));
            Assert.Single(transports.Transports);
        }

        [Fact]
        public void Bytes_past_one_response_stay_for_the_next()
        {
            // docs/differences.md #6: both responses arrive in one read; the second is not lost.
            var transports = TransportFactory.Repeating(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nz");
            using HttpConnection conn = transports.CreateConnection();
            conn.Request("GET", "/1");
            using (HttpResponse first = conn.GetResponse())
            {
                Assert.Equal("abc", Encoding.ASCII.GetString(first.Read1(100)));
                Assert.Empty(first.Peek());
                Assert.Empty(first.Read());
                Assert.True(first.IsClosed);
            }
            conn.Request("GET", "/2");
            using HttpResponse second = conn.GetResponse();
            Assert.Equal(201, second.Status);
            Assert.Equal("z", Encoding.ASCII.GetString(second.Read()));
            Assert.Single(transports.Transports);
        }

        [Fact]
        public void Close_discards_the_pending_head_and_closes_the_pending_response()
        {
            var transports = TransportFactory.Repeating(Ok);
            using HttpConnection conn = transports.CreateConnection();
            conn.Request("GET", "/");
            HttpResponse response = conn.GetResponse();
            conn.PutRequest("GET", "/stale");
            conn.Close();
            Assert.True(response.IsClosed);
            Assert.True(transports.Transports[0].IsDisposed);
            Assert.Equal("Idle", conn.StateName);
            conn.Request("GET", "/fresh");
            Assert.StartsWith("GET /fresh ", transports.Transports[1].Sent, StringComparison.Ordinal);
        }

        [Fact]
        public void Auto_open_after_close()
        {
            var transports = TransportFactory.Repeating(Ok);
            using HttpConnection conn = transports.CreateConnection();
            conn.Connect();
            Assert.True(conn.IsConnected);
            conn.Connect();
            Assert.Single(transports.Transports);
            conn.Close();
            Assert.False(conn.IsConnected);
            conn.Send("x"u8);
            Assert.Equal(2, transports.OpenCount);
            Assert.Equal("x", transports.Transports[1].Sent);
        }
    
        [Theory]
        [InlineData("HTTP/1.1 204 No Content\r\n\r\n", "GET")]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "GET")]
        [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", "HEAD")]
        public void Disposing_an_unread_empty_body_keeps_the_connection(string reply, string method)
        {
            var transports = TransportFactory.Repeating(reply + reply);
            using HttpConnection conn = transports.CreateConnection();
            conn.Request(method, "/");
            conn.GetResponse().Dispose();
            Assert.True(conn.IsConnected);
            conn.Request(method, "/");
            using HttpResponse second = conn.GetResponse();
            Assert.Single(transports.Transports);
        }
    }
}
