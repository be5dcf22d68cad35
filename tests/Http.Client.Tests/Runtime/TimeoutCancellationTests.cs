using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>docs/differences.md #4: timeouts and cancellation close the transport and return the connection to Idle.</summary>
    public class TimeoutCancellationTests
    {
        private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

        [Fact]
        public void Silent_server_times_out_getresponse_and_the_connection_recovers()
        {
            using var server = LoopbackServer.Respond((index, _) => index == 0 ? Array.Empty<byte>() : Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"));
            using HttpConnection conn = server.CreateConnection(Short);
            conn.Request("GET", "/");
            var watch = Stopwatch.StartNew();
            Assert.Throws<TimeoutException>(() => conn.GetResponse());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "the timeout fired");
            Assert.Equal("Idle", conn.StateName);
            Assert.False(conn.IsConnected);

            conn.Request("GET", "/");
            using HttpResponse response = conn.GetResponse();
            Assert.Equal(new[] { (byte)'x' }, response.Read());
            Assert.Equal(2, server.ConnectionCount);
        }

        [Fact]
        public void Body_read_timeout_closes_the_response_and_the_connection()
        {
            using var server = LoopbackServer.Respond((_, _) => Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"));
            using HttpConnection conn = server.CreateConnection(Short);
            conn.Request("GET", "/");
            HttpResponse response = conn.GetResponse();
            Assert.Throws<TimeoutException>(() => response.Read());
            Assert.True(response.IsClosed);
            Assert.Empty(response.Read());
            Assert.Equal("Idle", conn.StateName);
            Assert.False(conn.IsConnected);
        }

        [Fact]
        public async Task Cancelled_getresponse_async_closes_the_connection()
        {
            using var server = LoopbackServer.Respond((_, _) => Array.Empty<byte>());
            using HttpConnection conn = server.CreateConnection(TimeSpan.FromSeconds(30));
            await conn.RequestAsync("GET", "/");
            using var cts = new CancellationTokenSource(Short);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await conn.GetResponseAsync(cts.Token));
            Assert.Equal("Idle", conn.StateName);
            Assert.False(conn.IsConnected);
        }

        [Fact]
        public async Task Async_timeout_is_a_timeout_exception()
        {
            using var server = LoopbackServer.Respond((_, _) => Array.Empty<byte>());
            using HttpConnection conn = server.CreateConnection(Short);
            await conn.RequestAsync("GET", "/");
            await Assert.ThrowsAsync<TimeoutException>(async () => await conn.GetResponseAsync());
            Assert.Equal("Idle", conn.StateName);
        }

        [Fact]
        public void Timeout_applies_to_a_callback_stream_without_its_own_timeouts()
        {
            using var conn = new HttpConnection("example.com", timeout: Short);
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(new HangingStream());
            conn.Request("GET", "/");
            Assert.Throws<TimeoutException>(() => conn.GetResponse());
            Assert.Equal("Idle", conn.StateName);
        }

        [Fact]
        public async Task Connect_timeout_covers_the_callback()
        {
            using var conn = new HttpConnection("example.com", timeout: Short);
            conn.ConnectCallback = async (_, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return new HangingStream();
            };
            Assert.Throws<TimeoutException>(() => conn.Request("GET", "/"));
            Assert.Equal("Idle", conn.StateName);
            await Assert.ThrowsAsync<TimeoutException>(async () => await conn.ConnectAsync());
        }

        [Fact]
        public async Task Cancelled_body_read_async_closes_the_connection()
        {
            using var server = LoopbackServer.Respond((_, _) => Latin1.Bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"));
            using HttpConnection conn = server.CreateConnection(TimeSpan.FromSeconds(30));
            await conn.RequestAsync("GET", "/");
            HttpResponse response = await conn.GetResponseAsync();
            Assert.Equal("ab", System.Text.Encoding.ASCII.GetString(await response.ReadAsync(2)));
            using var cts = new CancellationTokenSource(Short);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await response.ReadAsync(new byte[8].AsMemory(), cts.Token));
            Assert.True(response.IsClosed);
            Assert.False(conn.IsConnected);
        }

        /// <summary>A transport that never delivers a byte; only cancellation ends its reads.</summary>
        private sealed class HangingStream : UnseekableStream
        {
            public override bool CanWrite => true;

            public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("a sync read would hang");

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                return 0;
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
            }

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;
        }
    }
}
