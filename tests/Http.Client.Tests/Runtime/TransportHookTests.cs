using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>The hooks HttpsConnection builds on: the default-port constructor and WrapTransportAsync.</summary>
    public class TransportHookTests
    {
        private sealed class WrappingConnection : HttpConnection
        {
            public WrappingConnection(string host, Func<Stream, string, Stream> wrap)
                : base(host, null, null, null, 8192, 443)
            {
                Wrap = wrap;
            }

            public Func<Stream, string, Stream> Wrap { get; }

            public List<bool> AsyncFlags { get; } = new List<bool>();

            private protected override ValueTask<Stream> WrapTransportAsync(Stream transport, string targetHost, bool async, CancellationToken cancellationToken)
            {
                AsyncFlags.Add(async);
                return new ValueTask<Stream>(Wrap(transport, targetHost));
            }
        }

        [Fact]
        public void Default_port_comes_from_the_subclass()
        {
            using var conn = new WrappingConnection("www.python.org:443", (s, _) => s);
            Assert.Equal(443, conn.Port);
            var stream = new ScriptedTransport("");
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(stream);
            conn.Request("GET", "/");
            Assert.StartsWith("GET / HTTP/1.1\r\nHost: www.python.org\r\n", stream.Sent, StringComparison.Ordinal);
            Assert.Equal(new[] { false }, conn.AsyncFlags);
        }

        [Fact]
        public async Task Wrapped_stream_carries_the_request_and_the_target_is_the_tunnel_host()
        {
            var hosts = new List<string>();
            var inner = new ScriptedTransport("HTTP/1.1 200 OK\r\n\r\n");
            var outer = new ScriptedTransport("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz");
            using var conn = new WrappingConnection("proxy.example", (s, host) =>
            {
                hosts.Add(host);
                Assert.Same(inner, s);
                return outer;
            });
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(inner);
            conn.SetTunnel("secure.example");
            await conn.RequestAsync("GET", "/");
            using HttpResponse response = await conn.GetResponseAsync();
            Assert.Equal("z", System.Text.Encoding.ASCII.GetString(await response.ReadAsync()));
            Assert.Equal(new[] { "secure.example" }, hosts);
            Assert.StartsWith("CONNECT secure.example:443 HTTP/1.1\r\n", inner.Sent, StringComparison.Ordinal);
            Assert.StartsWith("GET / HTTP/1.1\r\nHost: secure.example\r\n", outer.Sent, StringComparison.Ordinal);
            Assert.Equal(new[] { true }, conn.AsyncFlags);
        }

        [Fact]
        public void Wrap_failure_closes_the_transport_and_keeps_its_exception_type()
        {
            var stream = new ScriptedTransport("");
            using var conn = new WrappingConnection("h", (_, _) => throw new AuthenticationException("bad certificate"));
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(stream);
            Assert.Throws<AuthenticationException>(() => conn.Request("GET", "/"));
            Assert.True(stream.IsDisposed);
            Assert.Equal("Idle", conn.StateName);
            Assert.False(conn.IsConnected);
        }

        [Fact]
        public async Task Cancelled_request_sends_nothing_and_stays_idle()
        {
            var transports = TransportFactory.Repeating("");
            using HttpConnection conn = transports.CreateConnection();
            using var cts = new CancellationTokenSource();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await conn.RequestAsync("GET", "/", cancellationToken: cts.Token));
            Assert.Equal("Idle", conn.StateName);
            Assert.True(transports.OpenCount == 0 || transports.Transports[0].Writes.Count == 0);
        }
    }
}
