using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.IntegrationTests.Fixtures;
using Xunit;

namespace Http.Client.IntegrationTests;

/// <summary>
/// GET, HEAD, POST and keep-alive against a real nginx, over HTTP and over HTTPS (nginx's certificate is
/// verified against the run's test CA through a custom root trust store). nginx reports which TCP
/// connection served each request (<c>X-Connection</c>) and how many requests it has served
/// (<c>X-Connection-Requests</c>), so reuse is checked from the server's side.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class NginxTests(ServersFixture servers)
{
    // Bounds every async test: generous for a loaded machine, finite so a hang fails.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Upload size: large enough to be sent in many blocks.
    private const int UploadSize = 1024 * 1024 + 17;

    public static TheoryData<bool> Schemes => new() { false, true };

    private HttpConnection Open(bool tls) => tls
        ? new HttpsConnection(ServersFixture.TlsHost, servers.HttpsPort, timeout: Patience, sslOptions: servers.CreateTrustingOptions())
        : new HttpConnection(ServersFixture.Host, servers.HttpPort, timeout: Patience);

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Get_small_file(bool tls)
    {
        using var connection = Open(tls);
        connection.Request("GET", "/index.txt");
        using var response = connection.GetResponse();

        Assert.Equal(200, response.Status);
        Assert.Equal("OK", response.Reason);
        Assert.Equal(11, response.Version);
        Assert.Equal("nginx", response.GetHeader("Server"));
        Assert.Equal("text/plain", response.GetHeader("Content-Type"));
        Assert.Equal(servers.SmallBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), response.GetHeader("Content-Length"));
        Assert.Equal(servers.SmallBody, response.Read());
        Assert.False(response.WillClose);
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Get_large_file_in_pieces(bool tls)
    {
        using var connection = Open(tls);
        connection.Request("GET", "/large.bin");
        using var response = connection.GetResponse();
        Assert.Equal(200, response.Status);

        var body = new MemoryStream();
        var buffer = new byte[7919]; // a prime, so reads never line up with TLS records or chunks
        for (var reads = 0; reads < 10_000; reads++)
        {
            var read = response.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                break;
            }
            body.Write(buffer, 0, read);
        }
        Assert.Equal(servers.LargeBody.Length, body.Length);
        Assert.True(servers.LargeBody.AsSpan().SequenceEqual(body.ToArray()), "large body differs");
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Get_chunked_response(bool tls)
    {
        using var connection = Open(tls);
        connection.Request("GET", "/chunked/lines.txt");
        using var response = connection.GetResponse();

        Assert.Equal(200, response.Status);
        Assert.Equal("chunked", response.GetHeader("Transfer-Encoding"));
        Assert.Null(response.GetHeader("Content-Length"));
        var body = response.Read();
        Assert.Equal(servers.ChunkedBody.Length, body.Length);
        Assert.True(servers.ChunkedBody.AsSpan().SequenceEqual(body), "chunked body differs");
        Assert.False(response.WillClose);
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Head_has_headers_and_no_body_and_the_connection_stays_usable(bool tls)
    {
        using var connection = Open(tls);
        connection.Request("HEAD", "/large.bin");
        string headConnection;
        using (var head = connection.GetResponse())
        {
            Assert.Equal(200, head.Status);
            Assert.Equal(servers.LargeBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), head.GetHeader("Content-Length"));
            Assert.Empty(head.Read());
            headConnection = head.GetHeader("X-Connection")!;
        }

        connection.Request("GET", "/index.txt");
        using var get = connection.GetResponse();
        Assert.Equal(servers.SmallBody, get.Read());
        Assert.Equal(headConnection, get.GetHeader("X-Connection"));
        Assert.Equal("2", get.GetHeader("X-Connection-Requests"));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Post_stores_the_body_which_reads_back_on_the_same_connection(bool tls)
    {
        var body = new byte[UploadSize];
        new Random(7).NextBytes(body);
        var name = Guid.NewGuid().ToString("N") + ".bin";
        using var connection = Open(tls);

        connection.Request("POST", "/upload/" + name, body, new[] { KeyValuePair.Create("Content-Type", "application/octet-stream") });
        string postConnection;
        using (var created = connection.GetResponse())
        {
            Assert.Equal(201, created.Status);
            Assert.Equal("Created", created.Reason);
            created.Read();
            postConnection = created.GetHeader("X-Connection")!;
        }

        connection.Request("GET", "/dav/" + name);
        using var stored = connection.GetResponse();
        Assert.Equal(200, stored.Status);
        Assert.True(body.AsSpan().SequenceEqual(stored.Read()), "stored body differs");
        Assert.Equal(postConnection, stored.GetHeader("X-Connection"));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task Post_chunked_async_stores_every_chunk(bool tls)
    {
        using var cancellation = new CancellationTokenSource(Patience);
        var chunks = Enumerable.Range(0, 40).Select(i => Enumerable.Repeat((byte)('a' + i % 26), 1000 + i).ToArray()).ToArray();
        var name = Guid.NewGuid().ToString("N") + ".txt";
        using var connection = Open(tls);

        await connection.RequestAsync("POST", "/upload/" + name, RequestBody.FromChunks(chunks), encodeChunked: true,
            cancellationToken: cancellation.Token);
        using (var created = await connection.GetResponseAsync(cancellation.Token))
        {
            Assert.Equal(201, created.Status);
            await created.ReadAsync(cancellation.Token);
        }

        await connection.RequestAsync("GET", "/dav/" + name, cancellationToken: cancellation.Token);
        using var stored = await connection.GetResponseAsync(cancellation.Token);
        Assert.Equal(chunks.SelectMany(c => c).ToArray(), await stored.ReadAsync(cancellation.Token));
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task Keep_alive_serves_many_requests_on_one_connection(bool tls)
    {
        using var cancellation = new CancellationTokenSource(Patience);
        using var connection = Open(tls);
        string? first = null;
        for (var i = 1; i <= 5; i++)
        {
            await connection.RequestAsync(i % 2 == 0 ? "HEAD" : "GET", "/index.txt", cancellationToken: cancellation.Token);
            using var response = await connection.GetResponseAsync(cancellation.Token);
            await response.ReadAsync(cancellation.Token);
            first ??= response.GetHeader("X-Connection");
            Assert.Equal(first, response.GetHeader("X-Connection"));
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), response.GetHeader("X-Connection-Requests"));
        }
    }

    [Fact]
    public void Https_negotiates_http11_with_ALPN_and_modern_TLS()
    {
        var options = servers.CreateTrustingOptions();
        options.ApplicationProtocols = new List<System.Net.Security.SslApplicationProtocol> { System.Net.Security.SslApplicationProtocol.Http11 };
        using var connection = new HttpsConnection(ServersFixture.TlsHost, servers.HttpsPort, timeout: Patience, sslOptions: options);
        connection.Connect();

        Assert.Equal(System.Net.Security.SslApplicationProtocol.Http11, connection.NegotiatedApplicationProtocol);
        Assert.True(connection.NegotiatedTlsProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, $"{connection.NegotiatedTlsProtocol}");
        Assert.True(servers.Pki.Issued(connection.RemoteCertificate!), "nginx presented a certificate the test CA did not issue");
    }

    [Fact]
    public void Https_with_default_verification_rejects_the_test_CA()
    {
        using var connection = new HttpsConnection(ServersFixture.TlsHost, servers.HttpsPort, timeout: Patience);
        var error = Assert.Throws<AuthenticationException>(() => connection.Request("GET", "/index.txt"));
        Assert.Contains(ServersFixture.TlsHost, error.Message, StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_to_the_plain_http_port_fails_the_handshake()
    {
        using var cancellation = new CancellationTokenSource(Patience);
        using var connection = new HttpsConnection(ServersFixture.TlsHost, servers.HttpPort, timeout: Patience,
            sslOptions: servers.CreateTrustingOptions());

        // nginx answers the ClientHello with an HTTP 400 page, which is no TLS record.
        var error = await Assert.ThrowsAsync<AuthenticationException>(() => connection.ConnectAsync(cancellation.Token).AsTask());
        Assert.StartsWith($"TLS handshake with {ServersFixture.TlsHost} failed: ", error.Message, StringComparison.Ordinal);
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public void Http_to_the_https_port_fails_cleanly()
    {
        using var connection = new HttpConnection(ServersFixture.Host, servers.HttpsPort, timeout: Patience);
        connection.Request("GET", "/index.txt");
        using var response = connection.GetResponse();
        Assert.Equal(400, response.Status); // nginx: "The plain HTTP request was sent to HTTPS port"
        response.Read();
    }
}
