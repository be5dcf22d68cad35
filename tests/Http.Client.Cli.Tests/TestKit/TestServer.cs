using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Cli.Demo;

namespace Http.Client.Cli.Tests.TestKit;

/// <summary>
/// A loopback HTTP server for the tests: 127.0.0.1, ephemeral port, one request per connection
/// (answers with Connection: close), records what it received. The handler builds the raw response bytes,
/// or returns null to say nothing (the connection stays open until the server is disposed).
/// </summary>
internal sealed class TestServer : LoopbackListener
{
    /// <summary>Every socket read in the server gives up after this long, so a bug fails a test instead of hanging it.</summary>
    private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(30);

    /// <summary>Uploads in the tests go up to a few MiB (more than the demo server accepts).</summary>
    private const int MaxBodyBytes = 8 << 20;

    private readonly Func<DemoRequest, byte[]?> _handler;
    private readonly X509Certificate2? _certificate;

    private TestServer(Func<DemoRequest, byte[]?> handler, X509Certificate2? certificate, IPAddress? address = null)
        : base(address ?? IPAddress.Loopback)
    {
        _handler = handler;
        _certificate = certificate;
        StartAccepting();
    }

    public string Url(string pathAndQuery = "/") => $"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}{pathAndQuery}";

    public static TestServer Start(Func<DemoRequest, byte[]?> handler) => new(handler, null);

    /// <summary>The same on the IPv6 loopback address ::1.</summary>
    public static TestServer StartIPv6(Func<DemoRequest, byte[]?> handler) => new(handler, null, IPAddress.IPv6Loopback);

    /// <summary>The same over TLS with <paramref name="certificate"/> (which must carry its private key).</summary>
    public static TestServer StartTls(X509Certificate2 certificate, Func<DemoRequest, byte[]?> handler) => new(handler, certificate);

    /// <summary>A server answering every request with this status, body and headers.</summary>
    public static TestServer Answering(int status, string reason, byte[] body, params string[] headers) =>
        Start(_ => Response(status, reason, body, headers));

    /// <summary>Raw bytes of a response with Content-Length and Connection: close.</summary>
    public static byte[] Response(int status, string reason, byte[] body, params string[] headers)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n");
        foreach (string header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    private async Task<Stream> OpenStreamAsync(Socket socket, CancellationToken cancellationToken)
    {
        var network = new NetworkStream(socket, ownsSocket: false);
        if (_certificate is null)
        {
            return network;
        }

        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, cancellationToken);
        return tls;
    }

    protected override async Task ServeAsync(Socket socket)
    {
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            limit.CancelAfter(ReadLimit);
            using Stream stream = await OpenStreamAsync(socket, limit.Token);
            DemoRequest? request = await new DemoRequestReader(stream, MaxBodyBytes).ReadRequestAsync(limit.Token);
            if (request is null)
            {
                socket.Dispose();
                return;
            }

            Requests.Enqueue(request);
            byte[]? response = _handler(request);
            if (response is null)
            {
                return; // Say nothing; DisposeAsync closes the socket.
            }

            await stream.WriteAsync(response, limit.Token);
            socket.Shutdown(SocketShutdown.Send);
            // Let the client read everything before the socket goes away.
            byte[] drain = new byte[1024];
            while (await stream.ReadAsync(drain, limit.Token) > 0)
            {
            }

            socket.Dispose();
        }
        catch (Exception)
        {
            // Client gone, timed out or server stopping: this connection is over.
            socket.Dispose();
        }
    }
}
