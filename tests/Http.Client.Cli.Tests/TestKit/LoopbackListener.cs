using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Cli.Demo;

namespace Http.Client.Cli.Tests.TestKit;

/// <summary>
/// The part <see cref="TestServer"/> and <see cref="TunnelProxy"/> share: a listener on a free loopback port,
/// an accept loop handing each socket to <see cref="ServeAsync"/>, the requests received, and a shutdown
/// that closes every socket still open.
/// </summary>
internal abstract class LoopbackListener : IAsyncDisposable
{
    /// <summary>How long disposal waits for the accept loop to end.</summary>
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentBag<Socket> _sockets = new();
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Binds <paramref name="address"/> on a free port; the subclass calls <see cref="StartAccepting"/>
    /// once its own fields are set.</summary>
    protected LoopbackListener(IPAddress address)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    public ConcurrentQueue<DemoRequest> Requests { get; } = new();

    /// <summary>Cancelled when the server is disposed.</summary>
    protected CancellationToken Stopping => _stopping.Token;

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
            await _acceptLoop.WaitAsync(StopLimit);
        }
        catch (Exception)
        {
            // Stopping: the accept loop ends with whatever the closed listener threw.
        }

        _stopping.Dispose();
    }

    /// <summary>Starts the accept loop.</summary>
    protected void StartAccepting() => _acceptLoop = Task.Run(AcceptLoopAsync);

    /// <summary>Closes <paramref name="socket"/> when the server is disposed.</summary>
    protected void Track(Socket socket) => _sockets.Add(socket);

    /// <summary>Handles one accepted socket until the connection ends; must not throw.</summary>
    protected abstract Task ServeAsync(Socket socket);

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

            Track(socket);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }
}
