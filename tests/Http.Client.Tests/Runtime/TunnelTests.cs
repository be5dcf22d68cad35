using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>CONNECT tunnels (docs/differences.md #12) over a scripted proxy transport.</summary>
    public class TunnelTests
    {
        [Fact]
        public void Connect_exchange_then_request_to_the_target()
        {
            var endPoints = new List<DnsEndPoint>();
            var stream = new ScriptedTransport("HTTP/1.1 200 Connection established\r\nVia: proxy\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            using var conn = new HttpConnection("proxy.com", 3128);
            conn.ConnectCallback = (endPoint, _) =>
            {
                endPoints.Add(endPoint);
                return new ValueTask<Stream>(stream);
            };
            conn.SetTunnel("destination.com", 8888, new[] { new KeyValuePair<string, string>("Proxy-Authorization", "Basic abc") });
            Assert.Equal("destination.com", conn.TunnelHost);
            Assert.Equal(8888, conn.TunnelPort);
            conn.Request("GET", "/x");
            using HttpResponse response = conn.GetResponse();
            Assert.Equal("ok", System.Text.Encoding.ASCII.GetString(response.Read()));

            DnsEndPoint reached = Assert.Single(endPoints);
            Assert.Equal("proxy.com", reached.Host);
            Assert.Equal(3128, reached.Port);
            Assert.Equal("CONNECT destination.com:8888 HTTP/1.1\r\nHost: destination.com:8888\r\nProxy-Authorization: Basic abc\r\n\r\n", System.Text.Encoding.Latin1.GetString(stream.Writes[0]));
            Assert.Equal("GET /x HTTP/1.1\r\nHost: destination.com:8888\r\nAccept-Encoding: identity\r\n\r\n", System.Text.Encoding.Latin1.GetString(stream.Writes[1]));
            Assert.Equal("proxy", conn.TunnelResponseHeaders!["via"]);
        }

        [Fact]
        public void Refused_tunnel_closes_the_transport()
        {
            var transports = TransportFactory.Repeating("HTTP/1.1 407 Proxy Authentication Required  \r\nContent-Length: 0\r\n\r\n");
            using HttpConnection conn = transports.CreateConnection("proxy.com");
            conn.SetTunnel("[::1]:8443");
            var e = Assert.Throws<TunnelConnectionException>(() => conn.Request("GET", "/"));
            Assert.Equal("Tunnel connection failed: 407 Proxy Authentication Required", e.Message);
            Assert.Equal(407, e.Status);
            Assert.True(transports.Transports[0].IsDisposed);
            Assert.StartsWith("CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n", transports.Transports[0].Sent, StringComparison.Ordinal);
            Assert.Equal("Idle", conn.StateName);
        }

        [Fact]
        public void Tunnel_reply_headers_describe_only_the_current_tunnel()
        {
            var replies = new Queue<string>(new[]
            {
                "HTTP/1.1 200 Connection established\r\nVia: first\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
            });
            using var conn = new HttpConnection("proxy.com", 3128);
            conn.ConnectCallback = (_, _) => new ValueTask<Stream>(new ScriptedTransport(replies.Dequeue()));
            conn.SetTunnel("destination.com", 8888);
            conn.Request("GET", "/");
            using (HttpResponse response = conn.GetResponse())
            {
                response.Read();
            }
            Assert.Equal("first", conn.TunnelResponseHeaders!["Via"]);

            // The response closed the connection: the next request opens a new tunnel, which the proxy refuses.
            Assert.Throws<TunnelConnectionException>(() => conn.Request("GET", "/"));
            Assert.Null(conn.TunnelResponseHeaders);

            conn.SetTunnel("other.com", 443);
            Assert.Null(conn.TunnelResponseHeaders);
        }

        [Fact]
        public void Tunnel_headers_are_validated_like_request_headers_when_set()
        {
            var transports = TransportFactory.Repeating("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            using HttpConnection conn = transports.CreateConnection("proxy.com", 3128);
            conn.SetTunnel("destination.com", 8888, new[] { new KeyValuePair<string, string>("Proxy-Authorization", "Basic abc") });

            Assert.Equal("Invalid header value b'a\\r\\nInjected: 1'", Assert.Throws<ArgumentException>(() =>
                conn.SetTunnel("other.com", 443, new[] { new KeyValuePair<string, string>("X-Ok", "a\r\nInjected: 1") })).Message);
            Assert.Equal("Invalid header name b'Bad:Name'", Assert.Throws<ArgumentException>(() =>
                conn.SetTunnel("other.com", 443, new[] { new KeyValuePair<string, string>("Bad:Name", "v") })).Message);

            // A rejected SetTunnel changes nothing: the earlier tunnel and its headers are used.
            conn.Request("GET", "/");
            using HttpResponse response = conn.GetResponse();
            Assert.StartsWith("CONNECT destination.com:8888 HTTP/1.1\r\nHost: destination.com:8888\r\nProxy-Authorization: Basic abc\r\n\r\n",
                transports.Transports[0].Sent, StringComparison.Ordinal);
        }

        // CPython gh-146211: SetTunnel refuses CR/LF and control characters in the host and in header names and values,
        // when it is called, so no CONNECT carries them (docs/differences.md #30 adds NUL and the other controls in headers).
        [Theory]
        [InlineData("destination.com\r\nX-Injected: 1")]
        [InlineData("destination.com\n")]
        [InlineData("destination.com\r")]
        [InlineData("dest\0ination.com")]
        [InlineData("dest\tination.com")]
        [InlineData("dest\x7fination.com")]
        [InlineData("dest ination.com")]
        [InlineData("destination.com:80\r\n")]
        public void Set_tunnel_rejects_control_characters_in_the_host(string host)
        {
            var transports = TransportFactory.Repeating("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            using HttpConnection conn = transports.CreateConnection("proxy.com", 3128);
            // A CR/LF after a colon fails as a non-numeric port first, as in CPython; either way InvalidUrlException.
            Assert.Throws<InvalidUrlException>(() => conn.SetTunnel(host));
            Assert.Null(conn.TunnelHost);
            Assert.Equal(0, transports.OpenCount);
        }

        [Theory]
        [InlineData("X-Foo\r\n", "bar")]
        [InlineData("X-Foo\r\nX-Injected", "bar")]
        [InlineData("X-Foo", "bar\r\nX-Injected: 1")]
        [InlineData("X-Foo", "bar\r\n")]
        [InlineData("X-Foo", "bar\r")]
        [InlineData("X-Foo", "bar\n")]
        [InlineData("X-Foo", "bar\0")]
        [InlineData("X\0Foo", "bar")]
        [InlineData("X-Foo", "\u0001bar")]
        [InlineData("X-Foo", "bar\x7f")]
        [InlineData("\rX-Foo", "bar")]
        public void Set_tunnel_rejects_control_characters_in_headers(string name, string value)
        {
            var transports = TransportFactory.Repeating("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            using HttpConnection conn = transports.CreateConnection("proxy.com", 3128);
            Assert.StartsWith("Invalid header ", Assert.Throws<ArgumentException>(() =>
                conn.SetTunnel("destination.com", 443, new[] { new KeyValuePair<string, string>(name, value) })).Message);
            Assert.Null(conn.TunnelHost);
            conn.Request("GET", "/");
            Assert.StartsWith("GET / HTTP/1.1\r\nHost: proxy.com:3128\r\n", transports.Transports[0].Sent, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Ipv6_zone_id_is_stripped_from_the_connect_authority_and_host_headers(bool async)
        {
            var transports = TransportFactory.Repeating("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            using HttpConnection conn = transports.CreateConnection("proxy.com", 3128);
            conn.SetTunnel("[fe80::1%eth0]:8443");
            Assert.Equal("fe80::1%eth0", conn.TunnelHost);
            if (async)
            {
                await conn.RequestAsync("GET", "/");
            }
            else
            {
                conn.Request("GET", "/");
            }
            Assert.Equal("CONNECT [fe80::1]:8443 HTTP/1.1\r\nHost: [fe80::1]:8443\r\n\r\nGET / HTTP/1.1\r\nHost: [fe80::1]:8443\r\nAccept-Encoding: identity\r\n\r\n",
                transports.Transports[0].Sent);
        }

        [Fact]
        public void A_host_header_given_for_the_tunnel_replaces_the_automatic_one()
        {
            var transports = TransportFactory.Repeating("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            using HttpConnection conn = transports.CreateConnection("proxy.com", 3128);
            conn.SetTunnel("destination.com", 8888, new[] { new KeyValuePair<string, string>("host", "alias.example:8888") });
            conn.Request("GET", "/");
            using HttpResponse response = conn.GetResponse();
            Assert.StartsWith("CONNECT destination.com:8888 HTTP/1.1\r\nhost: alias.example:8888\r\n\r\n",
                transports.Transports[0].Sent, StringComparison.Ordinal);
        }

        [Fact]
        public void Set_tunnel_after_connect_is_rejected()
        {
            using HttpConnection conn = TransportFactory.Repeating("").CreateConnection();
            conn.Connect();
            Assert.Equal("Can't set up tunnel for established connection",
                Assert.Throws<InvalidOperationException>(() => conn.SetTunnel("destination.com")).Message);
        }

        [Fact]
        public void Tunnel_debug_prints_the_reply_header_lines()
        {
            using HttpConnection conn = TransportFactory.Repeating("HTTP/1.0 200 OK\r\nX-Dummy: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").CreateConnection("proxy.com");
            var output = new StringWriter { NewLine = "\n" };
            conn.DebugOutput = output;
            conn.SetDebugLevel(1);
            conn.SetTunnel("destination.com");
            conn.Request("HEAD", "/");
            Assert.Contains("\nheader: X-Dummy: 1\r\n\n", output.ToString(), StringComparison.Ordinal);
        }
    }
}
