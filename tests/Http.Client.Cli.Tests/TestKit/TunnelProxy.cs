using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Cli.Demo;

namespace Http.Client.Cli.Tests.TestKit;

/// <summary>
/// A loopback HTTP proxy that understands only CONNECT: it records the request and either refuses it
/// with <c>407</c> or opens a tunnel to the requested port on 127.0.0.1 and copies bytes both ways.
/// </summary>
internal sealed class TunnelProxy : LoopbackListener
{
    /// <summary>The whole life of one tunnel in a test; longer means a bug.</summary>
    private static readonly TimeSpan TunnelLimit = TimeSpan.FromSeconds(30);

    private readonly bool _refuse;

    private TunnelProxy(bool refuse)
        : base(IPAddress.Loopback)
    {
        _refuse = refuse;
        StartAccepting();
    }

    public static TunnelProxy Start(bool refuse = false) => new(refuse);

    protected override async Task ServeAsync(Socket client)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        limit.CancelAfter(TunnelLimit);
        try
        {
            using var clientStream = new NetworkStream(client, ownsSocket: true);
            DemoRequest? request = await new DemoRequestReader(clientStream).ReadRequestAsync(limit.Token);
            if (request is null)
            {
                return;
            }

            Requests.Enqueue(request);
            if (_refuse || request.Method != "CONNECT")
            {
                await clientStream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"), limit.Token);
                return;
            }

            int port = int.Parse(request.Target[(request.Target.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Track(upstream);
            await upstream.ConnectAsync(IPAddress.Loopback, port, limit.Token);
            using var upstreamStream = new NetworkStream(upstream, ownsSocket: false);
            await clientStream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection established\r\n\r\n"), limit.Token);
            Task up = CopyThenShutdownAsync(clientStream, upstreamStream, upstream, limit.Token);
            Task down = CopyThenShutdownAsync(upstreamStream, clientStream, client, limit.Token);
            await Task.WhenAll(up, down);
        }
        catch (Exception)
        {
            // A tunnel ends with whichever side closes first; nothing to report.
        }
    }

    private static async Task CopyThenShutdownAsync(Stream from, Stream to, Socket toSocket, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        finally
        {
            try
            {
                toSocket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception)
            {
                // Already closed.
            }
        }
    }
}
