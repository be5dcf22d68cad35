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
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Http.Client.Tests.Tls;

/// <summary>
/// A TLS server on 127.0.0.1 that a test starts and disposes. For each accepted connection it records the
/// raw ClientHello, runs the server handshake with the given certificate (sending the issuing CA too), and
/// then answers HTTP/1.1 requests with <c>200 OK</c> and a body naming the request, keeping the connection
/// alive until the client closes it. Everything it saw is exposed per connection for assertions.
/// </summary>
internal sealed class LoopbackTlsServer : IAsyncDisposable
{
    // Tests open a handful of connections; more means a reconnect loop, which should fail the test.
    private const int MaxConnections = 16;

    // Requests per connection the server answers before it stops (bounds a runaway client loop).
    private const int MaxRequestsPerConnection = 100;

    private readonly TcpListener _listener;
    private readonly SslServerAuthenticationOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<TlsServerConnection> _accepted = Channel.CreateUnbounded<TlsServerConnection>();
    private readonly ConcurrentBag<Task> _handlers = new();
    private readonly Task _acceptLoop;

    /// <summary>Starts listening on 127.0.0.1 (or <paramref name="address"/>) on a free port.</summary>
    /// <param name="certificate">The server certificate, with its private key.</param>
    /// <param name="issuer">The CA sent with it, so a client that does not trust it sees UntrustedRoot.</param>
    /// <param name="requireClientCertificate">Ask for, and require, a client certificate.</param>
    /// <param name="address">The loopback address to bind.</param>
    public LoopbackTlsServer(X509Certificate2 certificate, X509Certificate2 issuer, bool requireClientCertificate = false,
        IPAddress? address = null)
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
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The port the server listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// The next connection whose handshake has ended (successfully or not), waiting at most
    /// <see cref="WireKit.Patience"/>; what the handshake recorded is then complete.
    /// </summary>
    public async Task<TlsServerConnection> NextConnectionAsync()
    {
        using var timeout = new CancellationTokenSource(WireKit.Patience);
        try
        {
            return await _accepted.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The TLS server accepted no connection within {WireKit.Patience.TotalSeconds} s.");
        }
    }

    /// <summary>True when the server has accepted no connection that a test has not taken yet.</summary>
    public bool NoPendingConnection => _accepted.Reader.Count == 0;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop.WaitAsync(WireKit.Patience);
            await Task.WhenAll(_handlers).WaitAsync(WireKit.Patience);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Handlers end by cancellation or by the socket closing; their outcome was recorded already.
        }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        for (var count = 0; count < MaxConnections; count++)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var connection = new TlsServerConnection();
            _handlers.Add(ServeAsync(socket, connection));
        }
    }

    private async Task ServeAsync(Socket socket, TlsServerConnection connection)
    {
        var token = _stop.Token;
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
                _accepted.Writer.TryWrite(connection);
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
            _accepted.Writer.TryWrite(connection);

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
