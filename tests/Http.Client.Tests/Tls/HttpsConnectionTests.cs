using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Http.Client.Tests.Tls;

/// <summary>
/// HttpsConnection against a TLS server on loopback that the test starts, with certificates made at test
/// time. Host names such as <c>good.test</c> reach the server through <see cref="HttpConnection.ConnectCallback"/>,
/// so SNI and name verification are exercised with real names and no DNS.
/// </summary>
public sealed class HttpsConnectionTests : IDisposable
{
    private const string GoodHost = "good.test";

    private readonly TestPki _pki = TestPki.Create();
    private readonly X509Certificate2 _serverCertificate;

    public HttpsConnectionTests()
    {
        _serverCertificate = _pki.IssueServer(GoodHost);
    }

    public void Dispose()
    {
        _serverCertificate.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public void DefaultPort_is_443_and_host_port_parsing_uses_it()
    {
        Assert.Equal(443, HttpsConnection.DefaultPort);
        Assert.Equal(80, HttpConnection.DefaultPort);
        using var plain = new HttpsConnection("www.python.org");
        Assert.Equal("www.python.org", plain.Host);
        Assert.Equal(443, plain.Port);
        using var emptyPort = new HttpsConnection("www.python.org:");
        Assert.Equal(443, emptyPort.Port);
        using var explicitPort = new HttpsConnection("www.python.org:8443");
        Assert.Equal(8443, explicitPort.Port);
        using var ipv6 = new HttpsConnection("[::1]");
        Assert.Equal("::1", ipv6.Host);
        Assert.Equal(443, ipv6.Port);
    }

    [Fact]
    public async Task Trusting_the_test_CA_succeeds_and_verifies_the_host_sending_SNI()
    {
        await using var server = new LoopbackTlsServer(_serverCertificate, _pki.Authority);
        using var connection = Connect(GoodHost, server.Port, _pki.CreateTrustingClientOptions());

        connection.Request("GET", "/hello");
        using (var response = connection.GetResponse())
        {
            Assert.Equal(200, response.Status);
            Assert.Equal("tls #1: GET /hello HTTP/1.1", Encoding.ASCII.GetString(response.Read()));
        }

        var seen = await server.NextConnectionAsync();
        Assert.Equal(GoodHost, seen.ServerName);
        Assert.Equal(GoodHost, seen.ClientHello.ServerName);
        Assert.Contains($"\r\nHost: {GoodHost}:{server.Port}\r\n", seen.RequestHeads.Single(), StringComparison.Ordinal);
        Assert.True(connection.NegotiatedTlsProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, $"{connection.NegotiatedTlsProtocol}");
        Assert.Equal($"CN={GoodHost}", connection.RemoteCertificate?.Subject);
    }

    [Fact]
    public async Task A_validation_callback_that_trusts_the_test_CA_is_used()
    {
        await using var server = new LoopbackTlsServer(_serverCertificate, _pki.Authority);
        var calls = 0;
        var options = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                Interlocked.Increment(ref calls);
                // The system does not know the test CA, so the chain fails; the name must still match.
                return errors == SslPolicyErrors.RemoteCertificateChainErrors
                    && certificate is X509Certificate2 presented && _pki.Issued(presented);
            },
        };
        using var connection = Connect(GoodHost, server.Port, options);

        connection.Request("GET", "/callback");
        using var response = connection.GetResponse();
        Assert.Equal("tls #1: GET /callback HTTP/1.1", Encoding.ASCII.GetString(response.Read()));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Default_verification_rejects_an_untrusted_root_after_offering_SNI_ALPN_and_TLS_1_2_and_1_3()
    {
        await using var server = new LoopbackTlsServer(_serverCertificate, _pki.Authority);
        using var connection = Connect(GoodHost, server.Port, sslOptions: null);

        var error = Assert.Throws<AuthenticationException>(() => connection.Request("GET", "/"));
        Assert.Contains(GoodHost, error.Message, StringComparison.Ordinal);
        Assert.Contains("errors in the certificate chain", error.Message, StringComparison.Ordinal);
        // The test server does not send its self-signed root (SslStream trims it), so the chain is partial.
        Assert.Matches("PartialChain|UntrustedRoot", error.Message);

        var seen = await server.NextConnectionAsync();
        var hello = seen.ClientHello;
        Assert.Equal(GoodHost, hello.ServerName);
        Assert.Equal(new[] { "http/1.1" }, hello.AlpnProtocols);
        Assert.Equal(new[] { ClientHello.Tls12, ClientHello.Tls13 }, hello.SupportedVersions.Order());

        // The failed transport is closed, and the next request opens a new one (which fails the same way).
        await seen.Closed.Task.WaitAsync(WireKit.Patience);
        Assert.Throws<AuthenticationException>(() => connection.Request("GET", "/"));
        var second = await server.NextConnectionAsync();
        await second.Closed.Task.WaitAsync(WireKit.Patience);
    }

    [Fact]
    public async Task A_host_name_the_certificate_does_not_name_is_rejected()
    {
        await using var server = new LoopbackTlsServer(_serverCertificate, _pki.Authority);
        using var connection = Connect("other.test", server.Port, _pki.CreateTrustingClientOptions());

        var error = Assert.Throws<AuthenticationException>(() => connection.Request("GET", "/"));
        Assert.Contains("other.test", error.Message, StringComparison.Ordinal);
        Assert.Contains("RemoteCertificateNameMismatch", error.Message, StringComparison.Ordinal);
        var seen = await server.NextConnectionAsync();
        Assert.Equal("other.test", seen.ClientHello.ServerName);
        await seen.Closed.Task.WaitAsync(WireKit.Patience);
    }

    [Fact]
    public async Task A_rejecting_callback_still_reports_what_was_wrong_with_the_certificate()
    {
        await using var server = new LoopbackTlsServer(_serverCertificate, _pki.Authority);
        var options = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None,
        };
        using var connection = Connect(GoodHost, server.Port, options);

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => connection.RequestAsync("GET", "/").AsTask());
        Assert.Contains(GoodHost, error.Message, StringComparison.Ordinal);
        Assert.Contains("rejected by the provided RemoteCertificateValidationCallback", error.Message, StringComparison.Ordinal);
        // The test server does not send its self-signed root (SslStream trims it), so the chain is partial.
        Assert.Matches(@"\(certificate problems: RemoteCertificateChainErrors: (PartialChain|UntrustedRoot)\)$", error.Message);
    }

    [Fact]
    public async Task A_client_certificate_from_the_options_reaches_the_server()
    {
        await using var server = new LoopbackTlsServer(_serverCertificate, _pki.Authority, requireClientCertificate: true);
        using var clientCertificate = _pki.IssueClient("http-client-test-user");
        var options = _pki.CreateTrustingClientOptions();
        options.ClientCertificates = new X509CertificateCollection { clientCertificate };
        using var connection = Connect(GoodHost, server.Port, options);

        connection.Request("GET", "/who-am-i");
        using var response = connection.GetResponse();
        Assert.Equal(200, response.Status);
        response.Read();

        var seen = await server.NextConnectionAsync();
        Assert.NotNull(seen.ClientCertificate);
        Assert.Equal(clientCertificate.Thumbprint, seen.ClientCertificate!.Thumbprint);
        Assert.Equal("CN=http-client-test-user", seen.ClientCertificate.Subject);
    }

    [Fact]
    public async Task Async_requests_reuse_the_TLS_connection()
    {
        await using var server = new LoopbackTlsServer(_serverCertificate, _pki.Authority);
        var options = _pki.CreateTrustingClientOptions();
        options.ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 };
        using var connection = Connect(GoodHost, server.Port, options);
        using var cancellation = new CancellationTokenSource(WireKit.Patience);

        await connection.ConnectAsync(cancellation.Token);
        Assert.Equal(SslApplicationProtocol.Http11, connection.NegotiatedApplicationProtocol);
        for (var i = 1; i <= 3; i++)
        {
            await connection.RequestAsync("POST", $"/n{i}", Encoding.ASCII.GetBytes("body"), cancellationToken: cancellation.Token);
            using var response = await connection.GetResponseAsync(cancellation.Token);
            Assert.Equal($"tls #{i}: POST /n{i} HTTP/1.1", Encoding.ASCII.GetString(await response.ReadAsync(cancellation.Token)));
        }

        var seen = await server.NextConnectionAsync();
        Assert.Equal(3, seen.RequestHeads.Count);
        Assert.True(server.NoPendingConnection, "a second TCP connection was opened");
    }

    [Fact]
    public async Task Options_from_the_caller_are_used_as_given_without_ALPN_and_are_not_modified()
    {
        await using var server = new LoopbackTlsServer(_serverCertificate, _pki.Authority);
        var options = _pki.CreateTrustingClientOptions();
        using var connection = Connect(GoodHost, server.Port, options);

        connection.Connect();

        var seen = await server.NextConnectionAsync();
        Assert.Empty(seen.ClientHello.AlpnProtocols);
        Assert.Null(options.TargetHost);
        Assert.Null(options.RemoteCertificateValidationCallback);
        Assert.Same(options, connection.SslOptions);
    }

    [Fact]
    public void Every_settable_option_of_the_caller_is_copied_into_the_handshake()
    {
        using var clientCertificate = _pki.IssueClient("copy-check");
        var user = new SslClientAuthenticationOptions();
        // Give every public settable property a non-default value: a property .NET adds later makes this fail
        // until the copy learns it.
        foreach (var property in typeof(SslClientAuthenticationOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite)
            {
                continue;
            }
            object value = property.Name switch
            {
                nameof(SslClientAuthenticationOptions.AllowRenegotiation) => !user.AllowRenegotiation,
                nameof(SslClientAuthenticationOptions.AllowTlsResume) => !user.AllowTlsResume,
                nameof(SslClientAuthenticationOptions.AllowRsaPssPadding) => !user.AllowRsaPssPadding,
                nameof(SslClientAuthenticationOptions.AllowRsaPkcs1Padding) => !user.AllowRsaPkcs1Padding,
                nameof(SslClientAuthenticationOptions.ApplicationProtocols) => new List<SslApplicationProtocol> { SslApplicationProtocol.Http2 },
                nameof(SslClientAuthenticationOptions.CertificateChainPolicy) => new X509ChainPolicy(),
                nameof(SslClientAuthenticationOptions.CertificateRevocationCheckMode) => X509RevocationMode.Offline,
                nameof(SslClientAuthenticationOptions.CipherSuitesPolicy) => OperatingSystem.IsWindows()
                    ? null!
                    : new CipherSuitesPolicy(new[] { TlsCipherSuite.TLS_AES_128_GCM_SHA256 }),
                nameof(SslClientAuthenticationOptions.ClientCertificateContext) => SslStreamCertificateContext.Create(clientCertificate, null, offline: true),
                nameof(SslClientAuthenticationOptions.ClientCertificates) => new X509CertificateCollection { clientCertificate },
                nameof(SslClientAuthenticationOptions.EnabledSslProtocols) => SslProtocols.Tls13,
                nameof(SslClientAuthenticationOptions.EncryptionPolicy) => EncryptionPolicy.RequireEncryption,
                nameof(SslClientAuthenticationOptions.LocalCertificateSelectionCallback) => (LocalCertificateSelectionCallback)((_, _, _, _, _) => clientCertificate),
                nameof(SslClientAuthenticationOptions.RemoteCertificateValidationCallback) => (RemoteCertificateValidationCallback)((_, _, _, _) => true),
                nameof(SslClientAuthenticationOptions.TargetHost) => "explicit.test",
                _ => throw new Xunit.Sdk.XunitException($"SslClientAuthenticationOptions.{property.Name} is new: teach HttpsConnection to copy it"),
            };
            property.SetValue(user, value);
        }
        using var connection = new HttpsConnection(GoodHost, sslOptions: user);

        var used = connection.CreateHandshakeOptions("ignored.test", _ => { });

        foreach (var property in typeof(SslClientAuthenticationOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var given = property.GetValue(user);
            var copied = property.GetValue(used);
            switch (property.Name)
            {
                case nameof(SslClientAuthenticationOptions.ApplicationProtocols):
                    Assert.Equal((List<SslApplicationProtocol>)given!, (List<SslApplicationProtocol>)copied!);
                    Assert.NotSame(given, copied); // a copy: the handshake cannot change the caller's list
                    break;
                case nameof(SslClientAuthenticationOptions.RemoteCertificateValidationCallback):
                    Assert.NotNull(copied); // wrapped, to report why a certificate failed
                    break;
                case nameof(SslClientAuthenticationOptions.EncryptionPolicy):
#pragma warning disable SYSLIB0040 // compared, not used
                    Assert.Equal(given, copied);
#pragma warning restore SYSLIB0040
                    break;
                default:
                    Assert.Equal(given, copied);
                    break;
            }
        }
    }

    [Fact]
    public void An_empty_target_host_is_filled_with_the_verified_host_and_defaults_mirror_python()
    {
        using var defaults = new HttpsConnection(GoodHost);
        var options = defaults.CreateHandshakeOptions("target.test", _ => { });
        Assert.Equal("target.test", options.TargetHost);
        Assert.Equal(new[] { SslApplicationProtocol.Http11 }, options.ApplicationProtocols);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, options.EnabledSslProtocols);
        Assert.Null(options.RemoteCertificateValidationCallback); // SslStream's own checks: system roots and the name

        using var custom = new HttpsConnection(GoodHost, sslOptions: new SslClientAuthenticationOptions());
        Assert.Equal("target.test", custom.CreateHandshakeOptions("target.test", _ => { }).TargetHost);
    }

    [Fact]
    public async Task A_peer_that_does_not_speak_TLS_fails_the_handshake_with_AuthenticationException()
    {
        using var plain = new TcpListener(IPAddress.Loopback, 0);
        plain.Start();
        var port = ((IPEndPoint)plain.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var socket = await plain.AcceptSocketAsync().WaitAsync(WireKit.Patience);
            await using var stream = new NetworkStream(socket);
            using var cancellation = new CancellationTokenSource(WireKit.Patience);
            _ = await stream.ReadAtLeastAsync(new byte[4096], 1, throwOnEndOfStream: false, cancellation.Token);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), cancellation.Token);
        });
        using var connection = Connect(GoodHost, port, _pki.CreateTrustingClientOptions());

        var error = await Assert.ThrowsAsync<AuthenticationException>(() => connection.ConnectAsync().AsTask().WaitAsync(WireKit.Patience));
        Assert.StartsWith($"TLS handshake with {GoodHost} failed: ", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.InnerException);
        await server.WaitAsync(WireKit.Patience);
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task A_handshake_that_never_completes_is_cancelled_and_closes_the_transport()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var connection = Connect(GoodHost, port, _pki.CreateTrustingClientOptions());
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var connecting = connection.ConnectAsync(cancellation.Token);
        using var accepted = await silent.AcceptSocketAsync().WaitAsync(WireKit.Patience);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting.AsTask().WaitAsync(WireKit.Patience));

        // The client closed its side: the server reads its ClientHello, then end of stream.
        accepted.ReceiveTimeout = (int)WireKit.Patience.TotalMilliseconds;
        var buffer = new byte[64 * 1024];
        var total = 0;
        for (var reads = 0; reads < 100; reads++)
        {
            var read = accepted.Receive(buffer);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        Assert.Equal(0, accepted.Receive(buffer));
        Assert.True(total > 0, "no ClientHello was sent");
    }

    [Theory]
    [InlineData(false, true)]   // sync over a socket stream: the socket's own read timeout
    [InlineData(false, false)]  // sync over a stream without timeouts: a timer
    [InlineData(true, true)]    // async: a timer
    [InlineData(true, false)]
    public async Task A_handshake_that_never_completes_times_out_with_the_connection_timeout(bool async, bool streamHasTimeouts)
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var toLoopback = ToLoopback(port);
        using var connection = new HttpsConnection(GoodHost, port, timeout: TimeSpan.FromMilliseconds(500),
            sslOptions: _pki.CreateTrustingClientOptions())
        {
            // RecordingStream is a plain pass-through whose CanTimeout is false.
            ConnectCallback = streamHasTimeouts
                ? toLoopback
                : async (endPoint, token) => new RecordingStream(await toLoopback(endPoint, token)),
        };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var connecting = async ? connection.ConnectAsync().AsTask() : Task.Run(connection.Connect);
        using var accepted = await silent.AcceptSocketAsync().WaitAsync(WireKit.Patience);
        var error = await Assert.ThrowsAsync<TimeoutException>(() => connecting.WaitAsync(WireKit.Patience));
        Assert.Equal("timed out", error.Message);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"gave up after {clock.Elapsed}");
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task An_IPv6_literal_host_is_verified_against_the_certificate_IP_address()
    {
        using var certificate = _pki.IssueServer("::1");
        await using var server = new LoopbackTlsServer(certificate, _pki.Authority, address: IPAddress.IPv6Loopback);
        using var connection = new HttpsConnection($"[::1]:{server.Port}", sslOptions: _pki.CreateTrustingClientOptions());

        await connection.RequestAsync("GET", "/v6");
        using var response = await connection.GetResponseAsync();
        Assert.Equal("tls #1: GET /v6 HTTP/1.1", Encoding.ASCII.GetString(response.Read()));
        var seen = await server.NextConnectionAsync();
        Assert.Null(seen.ClientHello.ServerName); // SNI carries host names only, never IP literals
    }

    /// <summary>A connection to <paramref name="host"/> whose transport really goes to 127.0.0.1:<paramref name="port"/>.</summary>
    internal static HttpsConnection Connect(string host, int port, SslClientAuthenticationOptions? sslOptions)
        => new(host, port, sslOptions: sslOptions) { ConnectCallback = ToLoopback(port) };

    /// <summary>A ConnectCallback that ignores the host name and connects to 127.0.0.1:<paramref name="port"/>.</summary>
    internal static Func<DnsEndPoint, CancellationToken, ValueTask<Stream>> ToLoopback(int port) =>
        async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
