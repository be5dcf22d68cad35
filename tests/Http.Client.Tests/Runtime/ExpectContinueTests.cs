using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>How a test drives the connection: sync on a plain socket (the wait polls it), async, or sync on a stream
    /// from ConnectCallback that is not a NetworkStream (the wait starts a read that the response read may take over).</summary>
    public enum Drive
    {
        Sync,
        Async,
        SyncWrapped,
    }

    /// <summary>
    /// Expect: 100-continue (docs/differences.md #42): the head goes first; the body follows a 100 Continue, or the
    /// <see cref="HttpConnection.ExpectContinueTimeout"/> of silence, and is withheld when a final response comes first.
    /// Every server here checks what it received before answering, so a body sent too early fails the test.
    /// </summary>
    [Trait("Deviation", "42")]
    public class ExpectContinueTests
    {
        private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        private const string Continue = "HTTP/1.1 100 Continue\r\n\r\n";
        private const string EarlyHints = "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n";
        private const string Refused = "HTTP/1.1 417 Expectation Failed\r\nContent-Length: 4\r\n\r\nnope";
        private const string Body = "hello, body";

        /// <summary>A delay that only a 100 (or a final response) can end within the test.</summary>
        private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

        /// <summary>How long a server watches for a body that must not come.</summary>
        private static readonly TimeSpan Watch = TimeSpan.FromMilliseconds(150);

        private static readonly KeyValuePair<string, string>[] ExpectHeaders = { new("Expect", "100-continue") };

        public static IEnumerable<object[]> Drives => new[] { new object[] { Drive.Sync }, new object[] { Drive.Async }, new object[] { Drive.SyncWrapped } };

        public static IEnumerable<object[]> SyncAsync => new[] { new object[] { Drive.Sync }, new object[] { Drive.Async } };

        private static int HeadEnd(byte[] all, int from = 0) => RecordedRequest.IndexOf(all, "\r\n\r\n"u8, from);

        /// <summary>Bytes after the first request head: body bytes the server received.</summary>
        private static int AfterHead(LoopbackConnection connection)
        {
            byte[] all = connection.Received;
            return all.Length - (HeadEnd(all) + 4);
        }

        private static HttpConnection Connect(LoopbackServer server, Drive drive, TimeSpan delay, TimeSpan? timeout = null)
        {
            var conn = server.CreateConnection(timeout);
            conn.ExpectContinueTimeout = delay;
            if (drive == Drive.SyncWrapped)
            {
                conn.ConnectCallback = async (endPoint, token) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(server.EndPoint, token);
                    return new WrappedStream(new NetworkStream(socket, ownsSocket: true));
                };
            }
            return conn;
        }

        /// <summary>Sends a request and reads the response: "status body".</summary>
        private static async Task<string> Exchange(HttpConnection conn, Drive drive, RequestBody? body,
            IEnumerable<KeyValuePair<string, string>>? headers = null, string method = "POST")
        {
            headers ??= ExpectHeaders;
            if (drive == Drive.Async)
            {
                await conn.RequestAsync(method, "/upload", body, headers);
                using HttpResponse response = await conn.GetResponseAsync();
                return response.Status + " " + Latin1.Text(await response.ReadAsync());
            }
            conn.Request(method, "/upload", body, headers);
            using (HttpResponse response = conn.GetResponse())
            {
                return response.Status + " " + Latin1.Text(response.Read());
            }
        }

        [Theory]
        [MemberData(nameof(Drives))]
        public async Task A_100_lets_the_body_go_and_the_response_follows(Drive drive)
        {
            int bodyBeforeContinue = -1;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await Task.Delay(Watch); // a body sent without waiting would be here by now
                bodyBeforeContinue = AfterHead(connection);
                await connection.SendAsync(Continue);
                await connection.ReadRequestAsync();
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            var interims = new List<int>();
            conn.InterimResponseReceived = r => interims.Add(r.Status);
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromText(Body)));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(0, bodyBeforeContinue);
            Assert.Equal(new[] { 100 }, interims);
            Assert.EndsWith("\r\n\r\n" + Body, server.Requests.Single());
            Assert.Equal(Latin1.Text(server.Connections[0].Received), server.Requests.Single()); // the body went once
        }

        [Theory]
        [MemberData(nameof(Drives))]
        public async Task A_final_response_first_withholds_a_sized_body_and_the_next_request_opens_a_new_connection(Drive drive)
        {
            int bodyBytes = -1;
            bool closedByClient = false;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                if (connection.Index == 0)
                {
                    await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                    await connection.SendAsync(Refused); // keep-alive as far as the response goes
                    closedByClient = await connection.WaitForEofAsync();
                    bodyBytes = AfterHead(connection);
                    return;
                }
                await connection.ReadRequestAsync();
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            Assert.Equal("417 nope", await Exchange(conn, drive, RequestBody.FromBytes(Latin1.Bytes(Body))));
            Assert.False(conn.IsConnected); // the server still expects 11 bytes on that one: closed
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromBytes(Latin1.Bytes(Body)), Array.Empty<KeyValuePair<string, string>>()));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(2, server.ConnectionCount);
            Assert.True(closedByClient);
            Assert.Equal(0, bodyBytes); // the server never saw a byte of the first body
        }

        [Theory]
        [MemberData(nameof(Drives))]
        public async Task Silence_past_the_delay_sends_the_body_and_a_late_100_is_skipped(Drive drive)
        {
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReadRequestAsync(); // the server never says 100 in time: the body must come by itself
                await connection.SendAsync(Continue + Ok);
                await connection.ReadRequestAsync(); // and the connection carries the next request
                await connection.SendAsync(Ok.Replace("ok", "k2"));
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, TimeSpan.FromMilliseconds(100));
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromStream(new MemoryStream(Latin1.Bytes(Body)))));
            Assert.Equal("200 k2", await Exchange(conn, drive, RequestBody.FromText(Body)));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(1, server.ConnectionCount);
            Assert.All(server.Requests, r => Assert.Contains(Body, r));
        }

        [Theory]
        [MemberData(nameof(Drives))]
        public async Task A_response_that_arrives_in_pieces_after_the_delay_is_read_whole(Drive drive)
        {
            // The delay passes while the wait's read may still be running; the response head read must take it over.
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReadRequestAsync();
                await Task.Delay(Watch);
                await connection.SendInPiecesAsync(Latin1.Bytes(Ok), 5, TimeSpan.FromMilliseconds(10));
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, TimeSpan.FromMilliseconds(30));
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromText(Body)));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
        }

        [Theory]
        [MemberData(nameof(SyncAsync))]
        public async Task A_100_then_103_then_the_final_response_delivers_both_interims(Drive drive)
        {
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await connection.SendAsync(Continue);
                await connection.ReadRequestAsync();
                await connection.SendAsync(EarlyHints + Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            var interims = new List<int>();
            conn.InterimResponseReceived = r => interims.Add(r.Status);
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromText(Body)));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(new[] { 100, 103 }, interims);
        }

        [Theory]
        [MemberData(nameof(Drives))]
        public async Task A_103_before_the_100_is_delivered_and_only_the_100_lets_the_body_go(Drive drive)
        {
            int bodyAfter103 = -1;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await connection.SendAsync(EarlyHints);
                await Task.Delay(Watch);
                bodyAfter103 = AfterHead(connection);
                await connection.SendAsync(Continue);
                await connection.ReadRequestAsync();
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            var interims = new List<string>();
            conn.InterimResponseReceived = r => interims.Add(r.Status + " " + r.Headers["Link"]);
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromChunks(new[] { Latin1.Bytes(Body) })));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(0, bodyAfter103);
            Assert.Equal(new[] { "103 </s.css>; rel=preload", "100 " }, interims);
        }

        [Theory]
        [MemberData(nameof(SyncAsync))]
        public async Task Without_the_interim_callback_a_103_is_the_final_response_and_withholds_the_body(Drive drive)
        {
            // CPython's default returns a 1xx other than 100 as the final response: the body is not sent for it.
            int bodyBytes = -1;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await connection.SendAsync(EarlyHints);
                await connection.WaitForEofAsync();
                bodyBytes = AfterHead(connection);
            });
            using HttpConnection conn = Connect(server, drive, Long);
            Assert.Equal("103 ", await Exchange(conn, drive, RequestBody.FromText(Body)));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(0, bodyBytes);
        }

        [Theory]
        [MemberData(nameof(SyncAsync))]
        public async Task A_request_without_a_body_never_waits(Drive drive)
        {
            using LoopbackServer server = LoopbackServer.Respond((_, _) => Latin1.Bytes(Ok));
            using HttpConnection conn = Connect(server, drive, Long);
            var output = new StringWriter { NewLine = "\n" };
            conn.DebugOutput = output;
            conn.DebugLevel = 1;
            Assert.Equal("200 ok", await Exchange(conn, drive, null, method: "GET"));
            Assert.Equal("200 ok", await Exchange(conn, drive, null, method: "POST")); // Content-Length: 0
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromBytes(Array.Empty<byte>())));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.DoesNotContain("expect:", output.ToString(), StringComparison.Ordinal);
            Assert.Equal(3, server.Requests.Count);
        }

        public static IEnumerable<object[]> HeaderSpellings()
        {
            foreach (Drive drive in new[] { Drive.Sync, Drive.Async })
            {
                yield return new object[] { drive, "headers" };
                yield return new object[] { drive, "PutHeader" };
                yield return new object[] { drive, "PutHeader bytes" };
            }
        }

        [Theory]
        [MemberData(nameof(HeaderSpellings))]
        public async Task The_header_is_recognised_in_any_case_and_with_spaces_however_it_is_given(Drive drive, string how)
        {
            int bodyBytes = -1;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await Task.Delay(Watch);
                bodyBytes = AfterHead(connection);
                await connection.SendAsync(Refused);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            RequestBody body = RequestBody.FromBytes(Latin1.Bytes(Body));
            if (how == "headers")
            {
                conn.Request("PUT", "/", body, new[] { new KeyValuePair<string, string>("eXPECT", " 100-Continue\t") });
            }
            else
            {
                conn.PutRequest("PUT", "/");
                conn.PutHeader("Content-Length", Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (how == "PutHeader")
                {
                    conn.PutHeader("EXPECT", "  100-CONTINUE ");
                }
                else
                {
                    conn.PutHeader(Latin1.Bytes("expect"), Latin1.Bytes(" 100-continue"));
                }
                if (drive == Drive.Async)
                {
                    await conn.EndHeadersAsync(body);
                }
                else
                {
                    conn.EndHeaders(body);
                }
            }
            using (HttpResponse response = drive == Drive.Async ? await conn.GetResponseAsync() : conn.GetResponse())
            {
                Assert.Equal(417, response.Status);
            }
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(0, bodyBytes);
        }

        [Theory]
        [MemberData(nameof(SyncAsync))]
        public async Task The_ExpectContinue_option_adds_the_header_to_requests_with_a_body_only(Drive drive)
        {
            int bodyBytes = -1;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                if (connection.Index == 0)
                {
                    await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                    await Task.Delay(Watch);
                    bodyBytes = AfterHead(connection);
                    await connection.SendAsync(Refused);
                    await connection.WaitForEofAsync();
                    return;
                }
                for (int i = 0; i < 2; i++)
                {
                    await connection.ReadRequestAsync();
                    await connection.SendAsync(Ok);
                }
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            conn.ExpectContinue = true;
            var none = Array.Empty<KeyValuePair<string, string>>();
            Assert.Equal("417 nope", await Exchange(conn, drive, RequestBody.FromText(Body), none));
            Assert.Equal("200 ok", await Exchange(conn, drive, null, none, method: "GET"));
            // The caller's own Expect header stands alone (and, not being 100-continue, makes nothing wait).
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromText(Body), new[] { new KeyValuePair<string, string>("Expect", "x-other") }));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(0, bodyBytes);
            Assert.EndsWith("Content-Length: 11\r\nExpect: 100-continue\r\n\r\n", Latin1.Text(server.Connections[0].Received));
            string[] later = server.Requests.ToArray();
            Assert.DoesNotContain("Expect", later[0], StringComparison.Ordinal);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(later[1], "Expect"));
            Assert.EndsWith("Expect: x-other\r\n\r\n" + Body, later[1]);
        }

        [Theory]
        [MemberData(nameof(SyncAsync))]
        public async Task A_withheld_chunked_body_is_ended_with_the_last_chunk_and_the_connection_is_kept(Drive drive)
        {
            string? first = null;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await Task.Delay(Watch);
                await connection.SendAsync(Refused);
                first = Latin1.Text(await connection.ReadRequestAsync()); // the request ends: head, then the last chunk
                await connection.ReadRequestAsync();
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            Assert.Equal("417 nope", await Exchange(conn, drive, RequestBody.FromStream(new MemoryStream(Latin1.Bytes(Body)))));
            Assert.True(conn.IsConnected);
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromText(Body), Array.Empty<KeyValuePair<string, string>>()));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(1, server.ConnectionCount);
            Assert.EndsWith("Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n0\r\n\r\n", first);
            Assert.DoesNotContain(Body, first);
        }

        [Theory]
        [MemberData(nameof(SyncAsync))]
        public async Task A_withheld_chunked_body_with_a_closing_response_sends_nothing_more(Drive drive)
        {
            int bodyBytes = -1;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                if (connection.Index == 0)
                {
                    await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                    await connection.SendAsync("HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbig");
                    await connection.WaitForEofAsync();
                    bodyBytes = AfterHead(connection);
                    return;
                }
                await connection.ReadRequestAsync();
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            Assert.Equal("413 big", await Exchange(conn, drive, RequestBody.FromChunks(new[] { Latin1.Bytes(Body) })));
            Assert.False(conn.IsConnected);
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromText(Body), Array.Empty<KeyValuePair<string, string>>()));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(2, server.ConnectionCount);
            Assert.Equal(0, bodyBytes);
        }

        [Theory]
        [MemberData(nameof(SyncAsync))]
        public async Task A_101_to_an_Upgrade_request_gets_no_last_chunk_on_the_new_protocol(Drive drive)
        {
            string? afterHead = null;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await connection.SendAsync("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
                await connection.ReceiveUntilAsync(all => Latin1.Text(all).EndsWith("ping", StringComparison.Ordinal));
                byte[] all = connection.Received;
                afterHead = Latin1.Text(all[(HeadEnd(all) + 4)..]);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            var headers = new[] { new KeyValuePair<string, string>("Upgrade", "echo"), new KeyValuePair<string, string>("Connection", "Upgrade"), ExpectHeaders[0] };
            RequestBody body = RequestBody.FromChunks(new[] { Latin1.Bytes(Body) });
            if (drive == Drive.Async)
            {
                await conn.RequestAsync("POST", "/", body, headers);
            }
            else
            {
                conn.Request("POST", "/", body, headers);
            }
            using (HttpResponse response = drive == Drive.Async ? await conn.GetResponseAsync() : conn.GetResponse())
            {
                Assert.Equal(101, response.Status);
                using Stream upgraded = response.DetachUpgradedStream();
                upgraded.Write(Latin1.Bytes("ping"));
                await server.Connections[0].ReceiveUntilAsync(all => Latin1.Text(all).EndsWith("ping", StringComparison.Ordinal));
            }
            await server.AssertHandlersSucceededAsync();
            Assert.Equal("ping", afterHead); // neither the withheld body nor its last chunk
        }

        [Theory]
        [MemberData(nameof(Drives))]
        public async Task A_server_that_closes_instead_of_answering_is_reported_by_GetResponse(Drive drive)
        {
            int bodyBytes = -1;
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                if (connection.Index == 0)
                {
                    await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                    bodyBytes = AfterHead(connection);
                    connection.Close();
                    return;
                }
                await connection.ReadRequestAsync();
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long);
            if (drive == Drive.Async)
            {
                await conn.RequestAsync("POST", "/", RequestBody.FromText(Body), ExpectHeaders);
                await Assert.ThrowsAsync<RemoteDisconnectedException>(async () => await conn.GetResponseAsync());
            }
            else
            {
                conn.Request("POST", "/", RequestBody.FromText(Body), ExpectHeaders);
                Assert.Throws<RemoteDisconnectedException>(() => conn.GetResponse());
            }
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromText(Body), Array.Empty<KeyValuePair<string, string>>()));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(0, bodyBytes);
        }

        [Fact]
        public async Task Cancelling_the_wait_closes_the_connection_and_sends_no_body()
        {
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, Drive.Async, Long);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                await conn.RequestAsync("POST", "/", RequestBody.FromText(Body), ExpectHeaders, cancellationToken: cancel.Token));
            Assert.False(conn.IsConnected);
            LoopbackConnection seen = await server.WaitForConnectionAsync();
            Assert.True(await seen.WaitForEofAsync());
            Assert.Equal(0, AfterHead(seen));
        }

        [Theory]
        [MemberData(nameof(Drives))]
        public async Task The_wait_never_outlasts_the_connection_timeout(Drive drive)
        {
            // ExpectContinueTimeout is far longer than Timeout: the body goes once Timeout passes, and the response,
            // which the server sends only after the whole body, is read under its own timeout.
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReadRequestAsync();
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, drive, Long, timeout: TimeSpan.FromSeconds(1));
            Assert.Equal("200 ok", await Exchange(conn, drive, RequestBody.FromText(Body)));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
        }

        [Theory]
        [MemberData(nameof(Drives))]
        public async Task A_response_read_that_takes_over_the_wait_read_still_times_out(Drive drive)
        {
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReadRequestAsync();
                await connection.WaitForEofAsync(); // never answers
            });
            using HttpConnection conn = Connect(server, drive, TimeSpan.FromMilliseconds(50), timeout: TimeSpan.FromMilliseconds(300));
            if (drive == Drive.Async)
            {
                await conn.RequestAsync("POST", "/", RequestBody.FromText(Body), ExpectHeaders);
                await Assert.ThrowsAsync<TimeoutException>(async () => await conn.GetResponseAsync());
            }
            else
            {
                conn.Request("POST", "/", RequestBody.FromText(Body), ExpectHeaders);
                Assert.Throws<TimeoutException>(() => conn.GetResponse());
            }
            Assert.False(conn.IsConnected);
            await server.AssertHandlersSucceededAsync();
            Assert.EndsWith(Body, server.Requests.Single());
        }

        [Fact]
        public async Task Debug_lines_say_what_the_wait_decided()
        {
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                await connection.SendAsync(Refused.Replace("Content-Length: 4", "Connection: close\r\nContent-Length: 4"));
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, Drive.Sync, Long);
            var output = new StringWriter { NewLine = "\n" };
            conn.DebugOutput = output;
            conn.DebugLevel = 1;
            Assert.Equal("417 nope", await Exchange(conn, Drive.Sync, RequestBody.FromBytes(Latin1.Bytes(Body))));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            Assert.Equal(
                $"send: b'POST /upload HTTP/1.1\\r\\nHost: 127.0.0.1:{server.Port}\\r\\nAccept-Encoding: identity\\r\\nContent-Length: 11\\r\\nExpect: 100-continue\\r\\n\\r\\n'\n" +
                "expect: the server answered before 100 Continue, body withheld\n" +
                "reply: 'HTTP/1.1 417 Expectation Failed\\r\\n'\n" +
                "header: Connection: close\n" +
                "header: Content-Length: 4\n",
                output.ToString());
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task Debug_lines_for_a_100_and_for_silence(bool answer)
        {
            using LoopbackServer server = LoopbackServer.Start(async connection =>
            {
                if (answer)
                {
                    await connection.ReceiveUntilAsync(all => HeadEnd(all) >= 0);
                    await connection.SendAsync(Continue);
                }
                await connection.ReadRequestAsync();
                await connection.SendAsync(Ok);
                await connection.WaitForEofAsync();
            });
            using HttpConnection conn = Connect(server, Drive.Sync, answer ? Long : TimeSpan.FromMilliseconds(20));
            var output = new StringWriter { NewLine = "\n" };
            conn.DebugOutput = output;
            conn.DebugLevel = 1;
            Assert.Equal("200 ok", await Exchange(conn, Drive.Sync, RequestBody.FromBytes(Latin1.Bytes("xy"))));
            conn.Close();
            await server.AssertHandlersSucceededAsync();
            string[] lines = output.ToString().Split('\n');
            Assert.Equal(answer ? "expect: 100 Continue, sending the body" : "expect: no 100 Continue within 20 ms, sending the body", lines[1]);
            Assert.Equal("send: b'xy'", lines[2]);
            Assert.Equal(answer ? "reply: 'HTTP/1.1 100 Continue\\r\\n'" : "reply: 'HTTP/1.1 200 OK\\r\\n'", lines[3]);
        }

        [Fact]
        public void The_delay_defaults_to_one_second_and_rejects_negative_values()
        {
            using var conn = new HttpConnection("localhost", 80);
            Assert.Equal(TimeSpan.FromSeconds(1), conn.ExpectContinueTimeout);
            Assert.Throws<ArgumentOutOfRangeException>(() => conn.ExpectContinueTimeout = TimeSpan.FromMilliseconds(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => conn.ExpectContinueTimeout = System.Threading.Timeout.InfiniteTimeSpan);
            conn.ExpectContinueTimeout = TimeSpan.Zero;
            Assert.Equal(TimeSpan.Zero, conn.ExpectContinueTimeout);
        }

        /// <summary>A stream over a socket that is not a NetworkStream: the sync wait cannot poll it.</summary>
        private sealed class WrappedStream : Stream
        {
            private readonly NetworkStream _inner;

            public WrappedStream(NetworkStream inner) => _inner = inner;

            public override bool CanRead => _inner.CanRead;
            public override bool CanWrite => _inner.CanWrite;
            public override bool CanSeek => false;
            public override bool CanTimeout => _inner.CanTimeout;
            public override int ReadTimeout { get => _inner.ReadTimeout; set => _inner.ReadTimeout = value; }
            public override int WriteTimeout { get => _inner.WriteTimeout; set => _inner.WriteTimeout = value; }
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() => _inner.Flush();
            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
            public override int Read(Span<byte> buffer) => _inner.Read(buffer);
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);
            public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
            public override void Write(ReadOnlySpan<byte> buffer) => _inner.Write(buffer);
            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);
            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _inner.Dispose();
                }
                base.Dispose(disposing);
            }
        }
    }
}
