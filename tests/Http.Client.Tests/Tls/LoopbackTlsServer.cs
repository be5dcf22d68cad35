using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Tests.Tls;

/// <summary>
/// A TLS server on 127.0.0.1 that a test starts and disposes. For each accepted connection it records the
/// raw ClientHello, runs the server handshake with the given certificate (sending the issuing CA too), and
/// then answers HTTP/1.1 requests with <c>200 OK</c> and a body naming the request, keeping the connection
/// alive until the client closes it. Everything it saw is exposed per connection for assertions.
/// </summary>
internal sealed class LoopbackTlsServer : LoopbackListener<TlsServerConnection>
{
    // Requests per connection the server answers before it stops (bounds a runaway client loop).
    private const int MaxRequestsPerConnection = 100;

    private readonly SslServerAuthenticationOptions _options;

    /// <summary>Starts listening on 127.0.0.1 (or <paramref name="address"/>) on a free port.</summary>
    /// <param name="certificate">The server certificate, with its private key.</param>
    /// <param name="issuer">The CA sent with it, so a client that does not trust it sees UntrustedRoot.</param>
    /// <param name="requireClientCertificate">Ask for, and require, a client certificate.</param>
    /// <param name="address">The loopback address to bind.</param>
    public LoopbackTlsServer(X509Certificate2 certificate, X509Certificate2 issuer, bool requireClientCertificate = false,
        IPAddress? address = null)
        : base("TLS server", address ?? IPAddress.Loopback)
    {
        _options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, new X509Certificate2Collection(issuer), offline: true),
            ClientCertificateRequired = requireClientCertificate,
            // The test checks the client certificate itself (TlsServerConnection.ClientCertificate).
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 },
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        StartAccepting();
    }

    /// <summary>Published once the handshake has ended (successfully or not), so what it recorded is complete.</summary>
    protected override async Task ServeAsync(Socket socket)
    {
        var connection = new TlsServerConnection();
        var token = Stopping;
        var recording = new RecordingStream(new NetworkStream(socket, ownsSocket: true));
        var tls = new SslStream(recording, leaveInnerStreamOpen: false);
        try
        {
            try
            {
                await tls.AuthenticateAsServerAsync(_options, token);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
            {
                connection.ClientHelloBytes = recording.Recorded;
                connection.HandshakeError = e;
                Publish(connection);
                return;
            }
            connection.ClientHelloBytes = recording.Recorded;
            connection.ServerName = tls.TargetHostName;
            connection.Protocol = tls.SslProtocol;
            connection.ApplicationProtocol = tls.NegotiatedApplicationProtocol;
            if (tls.RemoteCertificate is { } clientCertificate)
            {
                connection.ClientCertificate = X509CertificateLoader.LoadCertificate(clientCertificate.GetRawCertData());
            }
            Publish(connection);

            for (var number = 1; number <= MaxRequestsPerConnection; number++)
            {
                var headBytes = await WireKit.ReadHeadAsync(tls, token);
                if (headBytes is null)
                {
                    return;
                }
                var head = Encoding.Latin1.GetString(headBytes);
                connection.RequestHeads.Enqueue(head);
                if (WireKit.Header(head, "Content-Length") is { } length)
                {
                    var body = new byte[int.Parse(length, CultureInfo.InvariantCulture)];
                    await tls.ReadExactlyAsync(body, token);
                }
                var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)];
                var reply = Encoding.ASCII.GetBytes($"tls #{number}: {requestLine}");
                var response = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Length: {reply.Length}\r\nX-Request-Number: {number}\r\n\r\n");
                await tls.WriteAsync(response, token);
                await tls.WriteAsync(reply, token);
                await tls.FlushAsync(token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidDataException or ObjectDisposedException)
        {
            // The client went away mid-request or the test ended; Closed reports it below.
        }
        finally
        {
            await tls.DisposeAsync();
            connection.Closed.TrySetResult();
        }
    }
}

/// <summary>What the loopback TLS server saw on one accepted connection.</summary>
internal sealed class TlsServerConnection
{
    /// <summary>The first bytes the client sent: its ClientHello.</summary>
    public byte[] ClientHelloBytes { get; set; } = Array.Empty<byte>();

    /// <summary>The ClientHello, parsed.</summary>
    public ClientHello ClientHello => ClientHello.Parse(ClientHelloBytes);

    /// <summary>The SNI name the server saw after a successful handshake.</summary>
    public string? ServerName { get; set; }

    /// <summary>The TLS version negotiated.</summary>
    public SslProtocols Protocol { get; set; }

    /// <summary>The ALPN protocol negotiated.</summary>
    public SslApplicationProtocol ApplicationProtocol { get; set; }

    /// <summary>The client certificate presented, if any.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Why the server's handshake failed, or null when it succeeded.</summary>
    public Exception? HandshakeError { get; set; }

    /// <summary>Completes when the connection has ended (the client closed it, or the handshake failed).</summary>
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Each request head received, in order.</summary>
    public ConcurrentQueue<string> RequestHeads { get; } = new();
}
