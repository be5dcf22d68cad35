using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    public class KeepAliveLoopbackTests
    {
        private static byte[] Ok(string body) =>
            Latin1.Bytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nContent-Type: text/plain\r\n\r\n{body}");

        [Fact]
        public void Get_then_second_get_reuses_the_transport()
        {
            using var server = LoopbackServer.Respond((_, head) => Ok(head.Split(' ')[1]));
            using HttpConnection conn = server.CreateConnection(LoopbackServer.DefaultTimeout);

            conn.Request("GET", "/first");
            using (HttpResponse first = conn.GetResponse())
            {
                Assert.Equal(200, first.Status);
                Assert.Equal("OK", first.Reason);
                Assert.Equal(11, first.Version);
                Assert.False(first.WillClose);
                Assert.Equal("text/plain", first.GetHeader("content-type"));
                Assert.Equal("/first", Encoding.ASCII.GetString(first.Read()));
                Assert.True(first.IsClosed);
            }

            conn.Request("GET", "/second");
            using HttpResponse second = conn.GetResponse();
            Assert.Equal("/second", Encoding.ASCII.GetString(second.Read()));
            Assert.Equal(1, server.ConnectionCount);
            Assert.True(server.Requests.TryPeek(out string? request));
            Assert.Equal($"GET /first HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nAccept-Encoding: identity\r\n\r\n", request);
        }

        [Fact]
        public async Task Async_post_then_get_reuse_the_transport()
        {
            using var server = LoopbackServer.Respond((_, head) => Ok(head.Substring(head.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)));
            await using HttpConnection conn = server.CreateConnection(LoopbackServer.DefaultTimeout);

            await conn.RequestAsync("POST", "/p", "hello", new[] { new KeyValuePair<string, string>("X-A", "1") });
            HttpResponse first = await conn.GetResponseAsync();
            Assert.Equal("hello", Encoding.ASCII.GetString(await first.ReadAsync()));
            await first.DisposeAsync();

            await conn.RequestAsync("GET", "/g");
            HttpResponse second = await conn.GetResponseAsync();
            Assert.Empty(await second.ReadAsync());
            Assert.Equal(1, server.ConnectionCount);
        }

        [Fact]
        public void Unread_response_disposed_closes_the_transport_and_next_request_reconnects()
        {
            using var server = LoopbackServer.Respond((_, _) => Ok("body!"));
            using HttpConnection conn = server.CreateConnection(LoopbackServer.DefaultTimeout);

            conn.Request("GET", "/");
            conn.GetResponse().Dispose();
            Assert.False(conn.IsConnected);

            conn.Request("GET", "/");
            using HttpResponse response = conn.GetResponse();
            Assert.Equal("body!", Encoding.ASCII.GetString(response.Read()));
            Assert.Equal(2, server.ConnectionCount);
        }

        [Fact]
        public void Connection_close_response_hands_the_transport_to_the_response()
        {
            using var server = LoopbackServer.Respond((_, _) => Latin1.Bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc"));
            using HttpConnection conn = server.CreateConnection(LoopbackServer.DefaultTimeout);

            conn.Request("GET", "/");
            using HttpResponse response = conn.GetResponse();
            Assert.True(response.WillClose);
            Assert.False(conn.IsConnected);
            Assert.Equal("abc", Encoding.ASCII.GetString(response.Read()));

            conn.Request("GET", "/");
            using HttpResponse next = conn.GetResponse();
            Assert.Equal("abc", Encoding.ASCII.GetString(next.Read()));
            Assert.Equal(2, server.ConnectionCount);
        }
    }
}
