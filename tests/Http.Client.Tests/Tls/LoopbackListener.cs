using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Http.Client.Tests.Tls;

/// <summary>
/// The part every loopback test server here shares: a listener on a free loopback port, a bounded accept
/// loop that hands each socket to <see cref="ServeAsync"/>, a queue of the connections the subclass
/// publishes for the test to take, and a bounded shutdown.
/// </summary>
/// <typeparam name="TConnection">What the subclass records about one accepted connection.</typeparam>
internal abstract class LoopbackListener<TConnection> : IAsyncDisposable
{
    // Tests open a handful of connections; more means a reconnect loop, which should fail the test.
    private const int MaxConnections = 16;

    private readonly TcpListener _listener;
    private readonly string _role;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<TConnection> _accepted = Channel.CreateUnbounded<TConnection>();
    private readonly ConcurrentBag<Task> _handlers = new();
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>Binds <paramref name="address"/> on a free port; the subclass calls <see cref="StartAccepting"/>
    /// once its own fields are set.</summary>
    /// <param name="role">Names the server in timeout messages ("proxy", "TLS server").</param>
    /// <param name="address">The loopback address to bind.</param>
    protected LoopbackListener(string role, IPAddress address)
    {
        _role = role;
        _listener = new TcpListener(address, 0);
        _listener.Start();
    }

    /// <summary>The port the server listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>True when the server has published no connection that a test has not taken yet.</summary>
    public bool NoPendingConnection => _accepted.Reader.Count == 0;

    /// <summary>Cancelled when the server is disposed; every handler's I/O uses it.</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>The next connection the subclass published, waiting at most <see cref="WireKit.Patience"/>.</summary>
    public async Task<TConnection> NextConnectionAsync()
    {
        using var timeout = new CancellationTokenSource(WireKit.Patience);
        try
        {
            return await _accepted.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The {_role} accepted no connection within {WireKit.Patience.TotalSeconds} s.");
        }
    }

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
            // Handlers end by cancellation or by a socket closing; their outcome was recorded already.
        }
        _stop.Dispose();
    }

    /// <summary>Starts the accept loop.</summary>
    protected void StartAccepting() => _acceptLoop = AcceptLoopAsync();

    /// <summary>Makes <paramref name="connection"/> the next one <see cref="NextConnectionAsync"/> returns.</summary>
    protected void Publish(TConnection connection) => _accepted.Writer.TryWrite(connection);

    /// <summary>Handles one accepted socket (owning it) until the connection ends; must not throw.</summary>
    protected abstract Task ServeAsync(Socket socket);

    private async Task AcceptLoopAsync()
    {
        for (var count = 0; count < MaxConnections; count++)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped (InvalidOperationException: the listener was stopped between two accepts)
            }
            _handlers.Add(ServeAsync(socket));
        }
    }
}
