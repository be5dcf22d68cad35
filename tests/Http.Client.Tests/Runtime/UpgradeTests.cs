using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>
    /// 101 Switching Protocols (docs/differences.md #41): a 101 reply to a request that carried Upgrade hands the caller
    /// the raw duplex stream (bytes that came with the head first) and the connection opens a new transport next time.
    /// </summary>
    [Trait("Deviation", "41")]
    public class UpgradeTests
    {
        private const string SwitchHead = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n";
        private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        private const int MaxEchoRounds = 100;

        private static readonly KeyValuePair<string, string>[] UpgradeHeaders =
        {
            new("Upgrade", "echo"),
            new("Connection", "Upgrade"),
        };

        /// <summary>
        /// Connection 0: answers the request with the 101 head and "early" in one send, then echoes what it receives until
        /// the client closes. Later connections: a plain 200.
        /// </summary>
        private static LoopbackServer EchoServer() => LoopbackServer.Start(async connection =>
        {
            byte[] request = await connection.ReadRequestAsync();
            if (connection.Index > 0)
            {
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
                connection.Close();
                return;
            }
            await connection.SendAsync(SwitchHead + "early");
            int echoed = request.Length;
            for (int round = 0; round < MaxEchoRounds; round++)
            {
                await connection.ReceiveUntilAsync(all => all.Length > echoed || connection.SawEof);
                byte[] all = connection.Received;
                if (all.Length == echoed)
                {
                    break; // the client closed
                }
                await connection.SendAsync(all[echoed..]);
                echoed = all.Length;
            }
            connection.Close();
        });

        private static async Task<string> ReadText(Stream stream, int count, bool async)
        {
            byte[] buffer = new byte[count];
            if (async)
            {
                await stream.ReadExactlyAsync(buffer);
            }
            else
            {
                stream.ReadExactly(buffer);
            }
            return Latin1.Text(buffer);
        }

        private static async Task WriteText(Stream stream, string text, bool async)
        {
            if (async)
            {
                await stream.WriteAsync(Latin1.Bytes(text));
                await stream.FlushAsync();
            }
            else
            {
                stream.Write(Latin1.Bytes(text));
                stream.Flush();
            }
        }

        private static async Task<HttpResponse> Send(HttpConnection conn, bool async, IEnumerable<KeyValuePair<string, string>>? headers)
        {
            if (async)
            {
                await conn.RequestAsync("GET", "/chat", headers: headers);
                return await conn.GetResponseAsync();
            }
            conn.Request("GET", "/chat", headers: headers);
            return conn.GetResponse();
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_101_to_an_Upgrade_request_gives_the_duplex_stream_with_the_bytes_that_came_with_the_head_first(bool async)
        {
            await using LoopbackServer server = EchoServer();
            using HttpConnection conn = server.CreateConnection(TimeSpan.FromSeconds(20));
            using HttpResponse response = await Send(conn, async, UpgradeHeaders);
            Assert.Equal(101, response.Status);
            Assert.True(response.IsUpgraded);
            Assert.False(conn.IsConnected); // the connection gave the transport up
            using (Stream stream = response.DetachUpgradedStream())
            {
                Assert.True(stream.CanRead && stream.CanWrite);
                Assert.Equal("ea", await ReadText(stream, 2, async)); // part of the leftover, then the rest
                Assert.Equal("rly", await ReadText(stream, 3, async));
                await WriteText(stream, "ping", async);
                Assert.Equal("ping", await ReadText(stream, 4, async));
                await WriteText(stream, "a longer message", async);
                Assert.Equal("a longer message", await ReadText(stream, 16, async));
            }
            Assert.True(await server.Connections[0].WaitForEofAsync());
            Assert.Empty(await response.ReadAsync());
            // The next request opens a new transport.
            using (HttpResponse next = await Send(conn, async, null))
            {
                Assert.Equal(200, next.Status);
                Assert.Equal("ok", Latin1.Text(next.Read()));
            }
            Assert.Equal(2, server.ConnectionCount);
            conn.Close();
            await server.AssertHandlersSucceededAsync(); // the echo ran without a handler error
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task An_Upgrade_header_given_with_PutHeader_counts_too(bool async)
        {
            await using LoopbackServer server = EchoServer();
            using HttpConnection conn = server.CreateConnection(TimeSpan.FromSeconds(20));
            conn.PutRequest("GET", "/chat");
            conn.PutHeader("upgrade", "echo");
            conn.PutHeader("Connection", "Upgrade");
            if (async)
            {
                await conn.EndHeadersAsync();
            }
            else
            {
                conn.EndHeaders();
            }
            using HttpResponse response = async ? await conn.GetResponseAsync() : conn.GetResponse();
            Assert.True(response.IsUpgraded);
            using Stream stream = response.DetachUpgradedStream();
            Assert.Equal("early", await ReadText(stream, 5, async));
            Assert.Throws<InvalidOperationException>(() => response.DetachUpgradedStream());
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Without_Upgrade_a_101_keeps_todays_behaviour(bool async)
        {
            await using LoopbackServer server = LoopbackServer.Serve(SwitchHead);
            using HttpConnection conn = server.CreateConnection(TimeSpan.FromSeconds(20));
            using HttpResponse response = await Send(conn, async, null);
            Assert.Equal(101, response.Status);
            Assert.False(response.IsUpgraded);
            Assert.Throws<InvalidOperationException>(() => response.DetachUpgradedStream());
            Assert.True(conn.IsConnected);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_final_status_to_an_Upgrade_request_is_an_ordinary_response(bool async)
        {
            await using LoopbackServer server = LoopbackServer.Serve(Ok, Ok);
            using HttpConnection conn = server.CreateConnection(TimeSpan.FromSeconds(20));
            using (HttpResponse response = await Send(conn, async, UpgradeHeaders))
            {
                Assert.False(response.IsUpgraded);
                Assert.Throws<InvalidOperationException>(() => response.DetachUpgradedStream());
                Assert.Equal("ok", Latin1.Text(response.Read()));
            }
            using HttpResponse second = await Send(conn, async, null);
            Assert.Equal(200, second.Status);
            Assert.Equal(1, server.ConnectionCount);
        }

        [Fact]
        public async Task Disposing_an_upgraded_response_without_detaching_closes_the_transport()
        {
            await using LoopbackServer server = EchoServer();
            using HttpConnection conn = server.CreateConnection(TimeSpan.FromSeconds(20));
            HttpResponse response = await Send(conn, true, UpgradeHeaders);
            response.Dispose();
            Assert.True(await server.Connections[0].WaitForEofAsync());
            Assert.Throws<ObjectDisposedException>(() => response.DetachUpgradedStream());
        }
    }
}
