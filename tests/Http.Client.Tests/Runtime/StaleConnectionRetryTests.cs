using System.IO;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>
    /// HttpConnection.RetryStaleConnection (README difference 32): a loopback server answers the first request of each
    /// connection, then reads the second and does what the test says (close, reset, a few bytes and close).
    /// </summary>
    public class StaleConnectionRetryTests
    {
        private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

        /// <summary>First connection: one answer, then <paramref name="second"/> for the next request; later ones: answers.</summary>
        private static LoopbackServer Server(string? second) => LoopbackServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            await connection.SendAsync(Ok.Replace("ok", "c" + connection.Index));
            if (connection.Index == 0)
            {
                await connection.ReadRequestAsync();
                if (second is not null)
                {
                    await connection.SendAsync(second);
                }
                connection.Close();
                return;
            }
            await connection.WaitForEofAsync();
            connection.Close();
        });

        private static async Task<string> Exchange(HttpConnection conn, bool async, string method, RequestBody? body = null)
        {
            if (async)
            {
                await conn.RequestAsync(method, "/", body);
                using HttpResponse response = await conn.GetResponseAsync();
                return System.Text.Encoding.ASCII.GetString(await response.ReadAsync());
            }
            conn.Request(method, "/", body);
            using (HttpResponse response = conn.GetResponse())
            {
                return System.Text.Encoding.ASCII.GetString(response.Read());
            }
        }

        [Theory]
        [InlineData(false, "GET")]
        [InlineData(true, "GET")]
        [InlineData(false, "PUT")]
        [InlineData(true, "DELETE")]
        public async Task An_idempotent_request_on_a_connection_the_server_closed_goes_again_on_a_new_one(bool async, string method)
        {
            using LoopbackServer server = Server(second: null);
            using HttpConnection conn = server.CreateConnection();
            conn.RetryStaleConnection = true;
            Assert.Equal("c0", await Exchange(conn, async, method, method == "PUT" ? "body"u8.ToArray() : null));
            Assert.Equal("c1", await Exchange(conn, async, method, method == "PUT" ? "body"u8.ToArray() : null));
            Assert.Equal(2, server.ConnectionCount);
            if (method == "PUT")
            {
                Assert.EndsWith("\r\n\r\nbody", Latin1.Text(server.Connections[1].Received), System.StringComparison.Ordinal);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Off_by_default_the_caller_sees_CPythons_RemoteDisconnected(bool async)
        {
            using LoopbackServer server = Server(second: null);
            using HttpConnection conn = server.CreateConnection();
            await Exchange(conn, async, "GET");
            await Assert.ThrowsAsync<RemoteDisconnectedException>(() => Exchange(conn, async, "GET"));
            Assert.Equal(1, server.ConnectionCount);
        }

        [Theory]
        [InlineData(false, "POST")]
        [InlineData(true, "POST")]
        [InlineData(false, "PATCH")]
        public async Task Never_for_a_method_that_is_not_idempotent(bool async, string method)
        {
            using LoopbackServer server = Server(second: null);
            using HttpConnection conn = server.CreateConnection();
            conn.RetryStaleConnection = true;
            await Exchange(conn, async, method, "x"u8.ToArray());
            await Assert.ThrowsAsync<RemoteDisconnectedException>(() => Exchange(conn, async, method, "x"u8.ToArray()));
            Assert.Equal(1, server.ConnectionCount);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Never_once_a_byte_of_the_response_arrived(bool async)
        {
            using LoopbackServer server = Server(second: "HTT");
            using HttpConnection conn = server.CreateConnection();
            conn.RetryStaleConnection = true;
            await Exchange(conn, async, "GET");
            await Assert.ThrowsAsync<BadStatusLineException>(() => Exchange(conn, async, "GET"));
            Assert.Equal(1, server.ConnectionCount);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Never_for_a_stream_body_or_a_fresh_connection(bool async)
        {
            using LoopbackServer server = Server(second: null);
            using HttpConnection conn = server.CreateConnection();
            conn.RetryStaleConnection = true;
            await Exchange(conn, async, "PUT", new MemoryStream("x"u8.ToArray()));
            await Assert.ThrowsAsync<RemoteDisconnectedException>(() => Exchange(conn, async, "PUT", new MemoryStream("x"u8.ToArray())));
            Assert.Equal(1, server.ConnectionCount);

            // A fresh connection the server closes at once is an answer, not a stale connection.
            using LoopbackServer closing = LoopbackServer.Respond((_, _) => null);
            using HttpConnection fresh = closing.CreateConnection();
            fresh.RetryStaleConnection = true;
            await Assert.ThrowsAsync<RemoteDisconnectedException>(() => Exchange(fresh, async, "GET"));
            Assert.Equal(1, closing.ConnectionCount);
        }
    }
}
