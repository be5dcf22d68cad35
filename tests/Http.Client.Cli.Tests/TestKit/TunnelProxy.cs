using System;
using System.Collections.Concurrent;
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
internal sealed class TunnelProxy : IAsyncDisposable
{
    /// <summary>The whole life of one tunnel in a test; longer means a bug.</summary>
    private static readonly TimeSpan TunnelLimit = TimeSpan.FromSeconds(30);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Socket> _sockets = new();
    private readonly bool _refuse;
    private readonly Task _acceptLoop;

    private TunnelProxy(bool refuse)
    {
        _refuse = refuse;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<DemoRequest> Requests { get; } = new();

    public static TunnelProxy Start(bool refuse = false) => new(refuse);

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _listener.Stop();
        foreach (Socket socket in _sockets)
        {
            socket.Dispose();
        }

        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // Stopping: the accept loop ends with whatever the closed listener threw.
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception)
            {
                return;
            }

            _sockets.Add(socket);
            _ = Task.Run(() => TunnelAsync(socket));
        }
    }

    private async Task TunnelAsync(Socket client)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
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
            _sockets.Add(upstream);
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
