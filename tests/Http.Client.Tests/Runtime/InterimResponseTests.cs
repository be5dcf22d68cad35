using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>
    /// HttpConnection.InterimResponseReceived (docs/differences.md #40): opted in, every 1xx but 101 is delivered in wire
    /// order and the head read goes on to the final response; off, CPython's behaviour stays.
    /// </summary>
    [Trait("Deviation", "40")]
    public class InterimResponseTests
    {
        private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        private const string EarlyHints = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\nLink: </app.js>; rel=preload\r\n\r\n";

        /// <summary>Sends one request and reads the whole response: "status body".</summary>
        private static async Task<string> Exchange(HttpConnection conn, bool async)
        {
            if (async)
            {
                await conn.RequestAsync("GET", "/");
                using HttpResponse response = await conn.GetResponseAsync();
                return response.Status + " " + Latin1.Text(await response.ReadAsync());
            }
            conn.Request("GET", "/");
            using (HttpResponse response = conn.GetResponse())
            {
                return response.Status + " " + Latin1.Text(response.Read());
            }
        }

        private static string Describe(InterimResponse r) =>
            r.Status + " " + r.Reason + " " + r.Version + " [" + string.Join("|", r.Headers.Select(h => h.Key + "=" + h.Value)) + "]";

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Several_interims_are_delivered_in_order_and_the_final_response_pairs_with_its_request(bool async)
        {
            string reply = EarlyHints + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 102 Processing\r\nX-A: 1\r\n\r\n" + Ok;
            using LoopbackServer server = LoopbackServer.Serve(reply, Ok.Replace("ok", "k2"));
            using HttpConnection conn = server.CreateConnection();
            var seen = new List<string>();
            conn.InterimResponseReceived = r => seen.Add(Describe(r));
            Assert.Equal("200 ok", await Exchange(conn, async));
            Assert.Equal(new[]
            {
                "103 Early Hints 11 [Link=</style.css>; rel=preload; as=style|Link=</app.js>; rel=preload]",
                "100 Continue 11 []",
                "102 Processing 10 [X-A=1]",
            }, seen);
            // The next request on the same connection gets its own response: no interim was taken as a final one.
            Assert.Equal("200 k2", await Exchange(conn, async));
            Assert.Equal(3, seen.Count);
            Assert.Equal(1, server.ConnectionCount);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_103_then_100_then_the_final_response_with_headers_kept_apart(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve(EarlyHints + "HTTP/1.1 100 Continue\r\n\r\n" + "HTTP/1.1 200 OK\r\nX-Final: yes\r\nContent-Length: 2\r\n\r\nok");
            using HttpConnection conn = server.CreateConnection();
            var seen = new List<InterimResponse>();
            conn.InterimResponseReceived = seen.Add;
            if (async)
            {
                await conn.RequestAsync("GET", "/");
            }
            else
            {
                conn.Request("GET", "/");
            }
            using HttpResponse response = async ? await conn.GetResponseAsync() : conn.GetResponse();
            Assert.Equal(new[] { 103, 100 }, seen.Select(r => r.Status));
            Assert.Null(response.GetHeader("Link"));
            Assert.Equal("yes", response.GetHeader("X-Final"));
            Assert.Equal(2, seen[0].Headers.Count);
            Assert.Empty(seen[1].Headers);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Interims_arriving_byte_by_byte_are_delivered_whole(bool async)
        {
            byte[] reply = Latin1.Bytes(EarlyHints + "HTTP/1.1 103 Early Hints\r\n\r\n" + Ok);
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReadRequestAsync();
                await connection.SendInPiecesAsync(reply, 1, TimeSpan.FromMilliseconds(1));
                await connection.WaitForEofAsync();
                connection.Close();
            });
            using HttpConnection conn = server.CreateConnection();
            var seen = new List<string>();
            conn.InterimResponseReceived = r => seen.Add(Describe(r));
            Assert.Equal("200 ok", await Exchange(conn, async));
            Assert.Equal(new[]
            {
                "103 Early Hints 11 [Link=</style.css>; rel=preload; as=style|Link=</app.js>; rel=preload]",
                "103 Early Hints 11 []",
            }, seen);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task The_limit_on_interim_responses_still_applies(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve(EarlyHints + EarlyHints + "HTTP/1.1 100 Continue\r\n\r\n" + Ok);
            using HttpConnection conn = server.CreateConnection();
            conn.Limits = new HttpConnectionLimits { MaxInterimResponses = 2 };
            int delivered = 0;
            conn.InterimResponseReceived = _ => delivered++;
            HttpException error = await Assert.ThrowsAsync<HttpException>(() => Exchange(conn, async));
            Assert.Equal("got more than 2 interim responses", error.Message);
            Assert.Equal(2, delivered);
            Assert.False(conn.IsConnected);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_103_after_which_the_server_closes_is_delivered_then_RemoteDisconnected(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve(EarlyHints);
            using HttpConnection conn = server.CreateConnection();
            var seen = new List<int>();
            conn.InterimResponseReceived = r => seen.Add(r.Status);
            await Assert.ThrowsAsync<RemoteDisconnectedException>(() => Exchange(conn, async));
            Assert.Equal(new[] { 103 }, seen);
            Assert.False(conn.IsConnected);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task An_exception_from_the_callback_propagates_and_closes_the_connection(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve(EarlyHints + Ok);
            using HttpConnection conn = server.CreateConnection();
            conn.InterimResponseReceived = _ => throw new InvalidOperationException("no hints wanted");
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Exchange(conn, async));
            Assert.Equal("no hints wanted", error.Message);
            Assert.False(conn.IsConnected);
            // The connection is usable again: the next request opens a new transport.
            conn.InterimResponseReceived = null;
            Assert.Equal("103 ", await Exchange(conn, async)); // CPython's default: the 103 is the final response
            Assert.Equal(2, server.ConnectionCount);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_101_is_never_delivered_it_stays_the_final_response(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n");
            using HttpConnection conn = server.CreateConnection();
            int delivered = 0;
            conn.InterimResponseReceived = _ => delivered++;
            if (async)
            {
                await conn.RequestAsync("GET", "/");
            }
            else
            {
                conn.Request("GET", "/");
            }
            using HttpResponse response = async ? await conn.GetResponseAsync() : conn.GetResponse();
            Assert.Equal(101, response.Status);
            Assert.Equal(0, delivered);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Off_by_default_CPythons_behaviour_stays_100_skipped_and_103_final(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve("HTTP/1.1 100 Continue\r\n\r\n" + Ok, EarlyHints);
            using HttpConnection conn = server.CreateConnection();
            Assert.Null(conn.InterimResponseReceived);
            Assert.Equal("200 ok", await Exchange(conn, async));
            Assert.Equal("103 ", await Exchange(conn, async));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task An_interim_with_an_unknown_version_is_UnknownProtocol(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve("HTTP/2.0 103 Early Hints\r\n\r\n" + Ok);
            using HttpConnection conn = server.CreateConnection();
            conn.InterimResponseReceived = _ => { };
            await Assert.ThrowsAsync<UnknownProtocolException>(() => Exchange(conn, async));
            Assert.False(conn.IsConnected);
        }
    }
}
