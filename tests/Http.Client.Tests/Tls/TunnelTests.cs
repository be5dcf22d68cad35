using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Http.Client.Tests.Tls;

/// <summary>
/// HttpsConnection through a CONNECT proxy written in the test: the exact CONNECT bytes, the proxy's reply
/// headers, TLS inside the tunnel verified against the target host (not the proxy), and refusals.
/// </summary>
public sealed class TunnelTests : IDisposable
{
    private const string Target = "good.test";
    private const string ProxyAuthorization = "Basic dXNlcjpwYXNz"; // user:pass

    private readonly TestPki _pki = TestPki.Create();
    private readonly X509Certificate2 _targetCertificate;

    public TunnelTests()
    {
        _targetCertificate = _pki.IssueServer(Target);
    }

    public void Dispose()
    {
        _targetCertificate.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task CONNECT_bytes_are_exact_and_TLS_runs_to_the_target_inside_the_tunnel()
    {
        await using var target = new LoopbackTlsServer(_targetCertificate, _pki.Authority);
        await using var proxy = new LoopbackConnectProxy(target.Port, _ => LoopbackConnectProxy.Established);
        // The proxy's own name is 127.0.0.1, which the target's certificate does not name: verification
        // can only pass if it runs against the tunnel host.
        using var connection = new HttpsConnection("127.0.0.1", proxy.Port, sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel(Target, target.Port, new[] { KeyValuePair.Create("Proxy-Authorization", ProxyAuthorization) });

        for (var i = 1; i <= 2; i++)
        {
            connection.Request("GET", $"/through/{i}");
            using var response = connection.GetResponse();
            Assert.Equal(200, response.Status);
            Assert.Equal($"tls #{i}: GET /through/{i} HTTP/1.1", Encoding.ASCII.GetString(response.Read()));
        }

        var tunnel = await proxy.NextConnectionAsync();
        Assert.Equal(
            $"CONNECT {Target}:{target.Port} HTTP/1.1\r\n" +
            $"Host: {Target}:{target.Port}\r\n" +
            $"Proxy-Authorization: {ProxyAuthorization}\r\n" +
            "\r\n",
            await tunnel.ConnectHeadTextAsync());
        Assert.True(proxy.NoPendingConnection, "the second request opened a second tunnel");

        var seen = await target.NextConnectionAsync();
        Assert.Equal(Target, seen.ClientHello.ServerName);
        Assert.Equal(Target, seen.ServerName);
        var heads = seen.RequestHeads.ToArray();
        Assert.Equal(2, heads.Length);
        Assert.All(heads, head => Assert.Contains($"\r\nHost: {Target}:{target.Port}\r\n", head, StringComparison.Ordinal));
        Assert.All(heads, head => Assert.DoesNotContain("Proxy-Authorization", head, StringComparison.OrdinalIgnoreCase));

        Assert.NotNull(connection.TunnelResponseHeaders);
        Assert.Equal("7", connection.TunnelResponseHeaders!["X-Tunnel-Id"]);
        Assert.Equal("loopback-test-proxy", connection.TunnelResponseHeaders["Proxy-Agent"]);
    }

    [Fact]
    public async Task The_tunnel_port_defaults_to_443_for_https()
    {
        await using var target = new LoopbackTlsServer(_targetCertificate, _pki.Authority);
        await using var proxy = new LoopbackConnectProxy(target.Port, _ => LoopbackConnectProxy.Established);
        using var connection = new HttpsConnection("127.0.0.1", proxy.Port, sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel(Target);

        await connection.RequestAsync("GET", "/");
        using var response = await connection.GetResponseAsync();
        response.Read();

        var tunnel = await proxy.NextConnectionAsync();
        Assert.Equal($"CONNECT {Target}:443 HTTP/1.1\r\nHost: {Target}:443\r\n\r\n", await tunnel.ConnectHeadTextAsync());
        // Inside the tunnel the default port is left out of Host, as for any HTTPS request.
        var seen = await target.NextConnectionAsync();
        Assert.Contains($"\r\nHost: {Target}\r\n", seen.RequestHeads.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_407_reply_raises_TunnelConnectionException_closes_and_a_retry_with_credentials_succeeds()
    {
        await using var target = new LoopbackTlsServer(_targetCertificate, _pki.Authority);
        await using var proxy = new LoopbackConnectProxy(target.Port, head =>
            WireKit.Header(head, "Proxy-Authorization") == ProxyAuthorization
                ? LoopbackConnectProxy.Established
                : LoopbackConnectProxy.AuthenticationRequired);
        using var connection = new HttpsConnection("127.0.0.1", proxy.Port, sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel(Target, target.Port);

        // An IOException as before (catch (IOException) still holds), now typed with the proxy's reply.
        IOException error = Assert.Throws<TunnelConnectionException>(() => connection.Request("GET", "/"));
        Assert.Equal("Tunnel connection failed: 407 Proxy Authentication Required", error.Message);
        var tunnelError = (TunnelConnectionException)error;
        Assert.Equal(407, tunnelError.Status);
        Assert.Equal("Proxy Authentication Required", tunnelError.Reason);
        Assert.Equal("Basic realm=\"test\"", tunnelError.Headers["Proxy-Authenticate"]);
        Assert.Null(connection.TunnelResponseHeaders);
        Assert.Null(connection.TunnelResponseStatus);
        var refused = await proxy.NextConnectionAsync();
        await refused.Closed.Task.WaitAsync(WireKit.Patience);
        Assert.True(target.NoPendingConnection, "the target was reached without the proxy's consent");

        // The refused transport is gone, so the tunnel may be set again, with credentials this time.
        connection.SetTunnel(Target, target.Port, new Dictionary<string, string> { ["Proxy-Authorization"] = ProxyAuthorization });
        using var cancellation = new CancellationTokenSource(WireKit.Patience);
        await connection.RequestAsync("GET", "/authorized", cancellationToken: cancellation.Token);
        using var response = await connection.GetResponseAsync(cancellation.Token);
        Assert.Equal("tls #1: GET /authorized HTTP/1.1", Encoding.ASCII.GetString(await response.ReadAsync(cancellation.Token)));
        Assert.Equal(200, connection.TunnelResponseStatus);
        Assert.Equal("Connection established", connection.TunnelResponseReason);
        Assert.Equal("7", connection.TunnelResponseHeaders!["X-Tunnel-Id"]);
    }

    [Fact]
    public async Task Async_CONNECT_refusal_raises_the_same_TunnelConnectionException()
    {
        await using var proxy = new LoopbackConnectProxy(targetPort: 9, _ => LoopbackConnectProxy.AuthenticationRequired);
        using var connection = new HttpsConnection("127.0.0.1", proxy.Port, sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel(Target, 8443);
        using var cancellation = new CancellationTokenSource(WireKit.Patience);

        var error = await Assert.ThrowsAsync<TunnelConnectionException>(() => connection.ConnectAsync(cancellation.Token).AsTask());
        Assert.Equal("Tunnel connection failed: 407 Proxy Authentication Required", error.Message);
        Assert.Equal((407, "Proxy Authentication Required"), (error.Status, error.Reason));
        Assert.Equal("Basic realm=\"test\"", error.Headers["proxy-authenticate"]);
        Assert.Equal("0", error.Headers["Content-Length"]);
        var refused = await proxy.NextConnectionAsync();
        await refused.Closed.Task.WaitAsync(WireKit.Patience);
    }

    [Fact]
    public async Task The_target_certificate_is_checked_inside_the_tunnel()
    {
        // The proxy relays to a server whose certificate names good.test, but the tunnel asks for evil.test.
        await using var target = new LoopbackTlsServer(_targetCertificate, _pki.Authority);
        await using var proxy = new LoopbackConnectProxy(target.Port, _ => LoopbackConnectProxy.Established);
        using var connection = new HttpsConnection("127.0.0.1", proxy.Port, sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel("evil.test", target.Port);

        var error = Assert.Throws<System.Security.Authentication.AuthenticationException>(() => connection.Connect());
        Assert.Contains("evil.test", error.Message, StringComparison.Ordinal);
        Assert.Contains("RemoteCertificateNameMismatch", error.Message, StringComparison.Ordinal);
        var seen = await target.NextConnectionAsync();
        Assert.Equal("evil.test", seen.ClientHello.ServerName);
        var tunnel = await proxy.NextConnectionAsync();
        await tunnel.Closed.Task.WaitAsync(WireKit.Patience);
    }

    [Fact]
    public async Task An_IPv6_tunnel_host_is_bracketed_in_CONNECT_and_verified_as_an_IP_address()
    {
        using var certificate = _pki.IssueServer("::1");
        await using var target = new LoopbackTlsServer(certificate, _pki.Authority, address: IPAddress.IPv6Loopback);
        await using var proxy = new LoopbackConnectProxy(target.Port, _ => LoopbackConnectProxy.Established, IPAddress.IPv6Loopback);
        using var connection = new HttpsConnection("127.0.0.1", proxy.Port, sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel($"[::1]:{target.Port}");

        connection.Request("GET", "/v6");
        using var response = connection.GetResponse();
        Assert.Equal("tls #1: GET /v6 HTTP/1.1", Encoding.ASCII.GetString(response.Read()));

        var tunnel = await proxy.NextConnectionAsync();
        Assert.Equal($"CONNECT [::1]:{target.Port} HTTP/1.1\r\nHost: [::1]:{target.Port}\r\n\r\n", await tunnel.ConnectHeadTextAsync());
        var seen = await target.NextConnectionAsync();
        Assert.Null(seen.ClientHello.ServerName);
        Assert.Contains($"\r\nHost: [::1]:{target.Port}\r\n", seen.RequestHeads.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_200_reply_without_a_reason_phrase_is_accepted()
    {
        await using var target = new LoopbackTlsServer(_targetCertificate, _pki.Authority);
        await using var proxy = new LoopbackConnectProxy(target.Port, _ => "HTTP/1.0 200\r\n\r\n");
        using var connection = new HttpsConnection("127.0.0.1", proxy.Port, sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel(Target, target.Port);

        connection.Request("GET", "/bare");
        using var response = connection.GetResponse();
        Assert.Equal("tls #1: GET /bare HTTP/1.1", Encoding.ASCII.GetString(response.Read()));
        Assert.Empty(connection.TunnelResponseHeaders!);
    }

    [Fact]
    public async Task A_reply_that_is_not_HTTP_is_a_BadStatusLine_and_closes()
    {
        await using var proxy = new LoopbackConnectProxy(targetPort: 9, _ => "SSH-2.0-OpenSSH_9.2\r\n\r\n");
        using var connection = new HttpsConnection("127.0.0.1", proxy.Port, sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel(Target, 443);

        Assert.Throws<BadStatusLineException>(() => connection.Connect());
        var tunnel = await proxy.NextConnectionAsync();
        await tunnel.Closed.Task.WaitAsync(WireKit.Patience);
        Assert.False(connection.IsConnected);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_proxy_that_never_answers_times_out(bool async)
    {
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var connection = new HttpsConnection("127.0.0.1", port, timeout: TimeSpan.FromMilliseconds(500),
            sslOptions: _pki.CreateTrustingClientOptions());
        connection.SetTunnel(Target, 443);

        var connecting = async ? connection.ConnectAsync().AsTask() : Task.Run(connection.Connect);
        using var accepted = await silent.AcceptSocketAsync().WaitAsync(WireKit.Patience);
        await Assert.ThrowsAsync<TimeoutException>(() => connecting.WaitAsync(WireKit.Patience));
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task SetTunnel_after_connecting_is_an_error()
    {
        await using var target = new LoopbackTlsServer(_targetCertificate, _pki.Authority);
        using var connection = HttpsConnectionTests.Connect(Target, target.Port, _pki.CreateTrustingClientOptions());
        connection.Connect();

        var error = Assert.Throws<InvalidOperationException>(() => connection.SetTunnel("elsewhere.test", 443));
        Assert.Equal("Can't set up tunnel for established connection", error.Message);
    }

    [Fact]
    public async Task A_plain_HttpConnection_tunnels_too_with_its_own_default_port()
    {
        await using var proxy = new LoopbackConnectProxy(targetPort: 9, _ => LoopbackConnectProxy.AuthenticationRequired);
        using var connection = new HttpConnection("127.0.0.1", proxy.Port);
        connection.SetTunnel("plain.test");

        Assert.Equal(407, Assert.Throws<TunnelConnectionException>(() => connection.Connect()).Status);
        var tunnel = await proxy.NextConnectionAsync();
        Assert.Equal("CONNECT plain.test:80 HTTP/1.1\r\nHost: plain.test:80\r\n\r\n", await tunnel.ConnectHeadTextAsync());
    }
}
