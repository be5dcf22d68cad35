using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Hostile.Tests.Kit;

/// <summary>
/// A loopback TCP server (127.0.0.1, an ephemeral port) whose handler plays a hostile or faulty server on each
/// accepted connection: it reads requests with <see cref="ServerConnection.ReadRequestAsync"/>, sends any bytes,
/// resets, stalls or hangs up. Disposing stops the listener, closes every socket and waits (bounded) for the handlers.
/// </summary>
public sealed class HostileServer : IDisposable
{
    /// <summary>Bound for waits that should succeed at once; generous for a loaded two-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TcpListener _listener;
    private readonly Func<ServerConnection, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, ServerConnection> _open = new();
    private readonly ConcurrentBag<Task> _handlers = new();
    private readonly ConcurrentQueue<Exception> _errors = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    private HostileServer(Func<ServerConnection, Task> handler, int backlog)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(backlog);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts a server running <paramref name="handler"/> for every connection it accepts.</summary>
    public static HostileServer Start(Func<ServerConnection, Task> handler, int backlog = 512) => new(handler, backlog);

    /// <summary>The listening port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>A client connection to this server.</summary>
    public HttpConnection Connect(TimeSpan? timeout = null) => new("127.0.0.1", Port, timeout);

    /// <summary>
    /// Throws the first handler failure so far (other than the client going away), so the server side is checked
    /// too. Handlers still running are not waited for.
    /// </summary>
    public void AssertHandlersSucceeded()
    {
        if (_errors.TryPeek(out Exception? error))
        {
            throw new InvalidOperationException("a server handler failed", error);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            int index = Interlocked.Increment(ref _accepted) - 1;
            var connection = new ServerConnection(socket, index, _stop.Token);
            _open[index] = connection;
            _handlers.Add(Task.Run(async () =>
            {
                try
                {
                    await _handler(connection);
                }
                catch (Exception e) when (!_stop.IsCancellationRequested && !ServerConnection.IsClientGone(e))
                {
                    _errors.Enqueue(e);
                }
                catch (Exception)
                {
                    // The client went away or the test is over: both end a handler.
                }
                finally
                {
                    connection.Dispose();
                    _open.TryRemove(index, out _);
                }
            }));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (ServerConnection connection in _open.Values)
        {
            connection.Dispose();
        }
        try
        {
            Task.WhenAll(_handlers.Append(_acceptLoop).ToArray()).Wait(Patience);
        }
        catch (AggregateException)
        {
            // Handlers end by their sockets closing under them.
        }
        _stop.Dispose();
    }
}

/// <summary>One accepted connection of a <see cref="HostileServer"/>: a socket plus a buffer of received bytes.</summary>
public sealed class ServerConnection : IDisposable
{
    private readonly byte[] _receive = new byte[16 * 1024];
    private byte[] _pending = new byte[16 * 1024];
    private int _pendingLength;

    internal ServerConnection(Socket socket, int index, CancellationToken stopping)
    {
        Socket = socket;
        Socket.NoDelay = true;
        Index = index;
        Stopping = stopping;
    }

    /// <summary>The accepted socket.</summary>
    public Socket Socket { get; }

    /// <summary>0-based order of acceptance.</summary>
    public int Index { get; }

    /// <summary>Cancelled when the server stops.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>
    /// Reads the next complete request (head and body) and parses it with <see cref="WireRequest"/>; null when the
    /// client closed the connection before sending a byte of it.
    /// </summary>
    public async Task<WireRequest?> ReadRequestAsync()
    {
        while (true)
        {
            if (WireRequest.TryParse(_pending.AsSpan(0, _pendingLength), out WireRequest? request, out int used))
            {
                Buffer.BlockCopy(_pending, used, _pending, 0, _pendingLength - used);
                _pendingLength -= used;
                return request;
            }
            int n = await Socket.ReceiveAsync(_receive, SocketFlags.None, Stopping);
            if (n == 0)
            {
                return _pendingLength == 0 ? null : throw new InvalidOperationException($"client closed in the middle of a request ({_pendingLength} bytes)");
            }
            if (_pendingLength + n > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + n));
            }
            Buffer.BlockCopy(_receive, 0, _pending, _pendingLength, n);
            _pendingLength += n;
        }
    }

    /// <summary>Sends all of <paramref name="bytes"/>.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int n = await Socket.SendAsync(bytes, SocketFlags.None, Stopping);
            bytes = bytes.Slice(n);
        }
    }

    /// <summary>Sends Latin-1 text.</summary>
    public Task SendAsync(string text) => SendAsync(System.Text.Encoding.Latin1.GetBytes(text));

    /// <summary>Waits (bounded) until the client closes its side: true on EOF or a reset, false on timeout.</summary>
    public async Task<bool> WaitForClientCloseAsync(TimeSpan bound)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
        timeout.CancelAfter(bound);
        try
        {
            while (await Socket.ReceiveAsync(_receive, SocketFlags.None, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>Aborts the connection with a TCP RST (linger 0), as a crashing server or a middlebox does.</summary>
    public void Reset()
    {
        try
        {
            Socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already gone.
        }
        Socket.Close();
    }

    /// <summary>Closes the connection in order (FIN): the client reads end of stream.</summary>
    public void Close()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the client.
        }
        Socket.Close();
    }

    /// <summary>True for the failures that mean the client (or the test's end) closed the connection.</summary>
    public static bool IsClientGone(Exception e) =>
        e is SocketException or ObjectDisposedException or OperationCanceledException ||
        (e is System.IO.IOException && e.InnerException is SocketException);

    /// <inheritdoc/>
    public void Dispose() => Socket.Dispose();
}
