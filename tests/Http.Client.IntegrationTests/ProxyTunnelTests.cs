using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.IntegrationTests.Fixtures;
using Xunit;

namespace Http.Client.IntegrationTests;

/// <summary>
/// HTTPS (and HTTP) to nginx through a real tinyproxy with <see cref="HttpConnection.SetTunnel"/>: CONNECT,
/// then TLS to the target inside the tunnel; and a proxy that wants Basic credentials (407 first, success
/// with <c>Proxy-Authorization</c>).
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ProxyTunnelTests(ServersFixture servers)
{
    // Bounds every test: generous for a loaded machine, finite so a hang fails.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private HttpsConnection ViaProxy(int proxyPort) =>
        new(ServersFixture.Host, proxyPort, timeout: Patience, sslOptions: servers.CreateTrustingOptions());

    [Fact]
    public void Https_through_tinyproxy_keeps_one_tunnel_for_several_requests()
    {
        using var connection = ViaProxy(servers.OpenProxyPort);
        connection.SetTunnel(ServersFixture.TlsHost, servers.HttpsPort);

        string? tunnelConnection = null;
        for (var i = 1; i <= 3; i++)
        {
            connection.Request("GET", i == 2 ? "/large.bin" : "/index.txt");
            using var response = connection.GetResponse();
            Assert.Equal(200, response.Status);
            Assert.Equal(i == 2 ? servers.LargeBody : servers.SmallBody, response.Read());
            tunnelConnection ??= response.GetHeader("X-Connection");
            Assert.Equal(tunnelConnection, response.GetHeader("X-Connection"));
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), response.GetHeader("X-Connection-Requests"));
        }

        // tinyproxy's own reply headers stay readable.
        Assert.NotNull(connection.TunnelResponseHeaders);
        Assert.StartsWith("tinyproxy/", connection.TunnelResponseHeaders!["Proxy-agent"], StringComparison.Ordinal);
        Assert.True(servers.Pki.Issued(connection.RemoteCertificate!), "the certificate did not come from nginx");
    }

    [Fact]
    public async Task Https_through_tinyproxy_async_with_a_chunked_response()
    {
        using var cancellation = new CancellationTokenSource(Patience);
        using var connection = ViaProxy(servers.OpenProxyPort);
        connection.SetTunnel(ServersFixture.TlsHost, servers.HttpsPort);

        await connection.RequestAsync("GET", "/chunked/lines.txt", cancellationToken: cancellation.Token);
        using var response = await connection.GetResponseAsync(cancellation.Token);
        Assert.Equal("chunked", response.GetHeader("Transfer-Encoding"));
        Assert.Equal(servers.ChunkedBody, await response.ReadAsync(cancellation.Token));
    }

    [Fact]
    public void Plain_http_through_a_tinyproxy_tunnel()
    {
        using var connection = new HttpConnection(ServersFixture.Host, servers.OpenProxyPort, timeout: Patience);
        connection.SetTunnel(ServersFixture.Host, servers.HttpPort);

        connection.Request("GET", "/index.txt");
        using var response = connection.GetResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal(servers.SmallBody, response.Read());
    }

    [Fact]
    public void A_port_the_proxy_does_not_allow_is_refused()
    {
        using var connection = ViaProxy(servers.OpenProxyPort);
        connection.SetTunnel(ServersFixture.TlsHost, servers.AuthProxyPort); // not in tinyproxy's ConnectPort list

        var error = Assert.Throws<TunnelConnectionException>(() => connection.Request("GET", "/"));
        Assert.StartsWith("Tunnel connection failed: 403 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_authenticating_proxy_answers_407_then_accepts_Proxy_Authorization()
    {
        using var connection = ViaProxy(servers.AuthProxyPort);
        connection.SetTunnel(ServersFixture.TlsHost, servers.HttpsPort);

        var refused = Assert.Throws<TunnelConnectionException>(() => connection.Request("GET", "/index.txt"));
        Assert.Equal("Tunnel connection failed: 407 Proxy Authentication Required", refused.Message);
        Assert.StartsWith("Basic", ((TunnelConnectionException)refused).Headers["Proxy-Authenticate"], StringComparison.Ordinal);

        // A wrong password is refused too (tinyproxy 1.11 answers it with 401, not 407).
        connection.SetTunnel(ServersFixture.TlsHost, servers.HttpsPort,
            new[] { KeyValuePair.Create("Proxy-Authorization", "Basic " + Convert.ToBase64String("httpclient:wrong"u8.ToArray())) });
        refused = Assert.Throws<TunnelConnectionException>(() => connection.Request("GET", "/index.txt"));
        Assert.Equal("Tunnel connection failed: 401 Unauthorized", refused.Message);

        connection.SetTunnel(ServersFixture.TlsHost, servers.HttpsPort,
            new[] { KeyValuePair.Create("Proxy-Authorization", ServersFixture.ProxyAuthorization) });
        connection.Request("GET", "/index.txt");
        using var response = connection.GetResponse();
        Assert.Equal(200, response.Status);
        Assert.Equal(servers.SmallBody, response.Read());
    }

    [Fact]
    public async Task The_authenticating_proxy_async()
    {
        using var cancellation = new CancellationTokenSource(Patience);
        using var connection = ViaProxy(servers.AuthProxyPort);
        connection.SetTunnel(ServersFixture.TlsHost, servers.HttpsPort);

        var refused = await Assert.ThrowsAsync<TunnelConnectionException>(() => connection.ConnectAsync(cancellation.Token).AsTask());
        Assert.Equal("Tunnel connection failed: 407 Proxy Authentication Required", refused.Message);

        connection.SetTunnel(ServersFixture.TlsHost, servers.HttpsPort,
            new Dictionary<string, string> { ["Proxy-Authorization"] = ServersFixture.ProxyAuthorization });
        await connection.RequestAsync("HEAD", "/large.bin", cancellationToken: cancellation.Token);
        using var response = await connection.GetResponseAsync(cancellation.Token);
        Assert.Equal(200, response.Status);
        Assert.Empty(await response.ReadAsync(cancellation.Token));
    }
}
