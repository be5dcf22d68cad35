using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Tests.TestKit;

/// <summary>
/// A TCP server on loopback that a test starts and disposes. Each accepted connection runs the test's handler,
/// which reads requests and sends canned bytes; every byte received is recorded per connection.
/// Every wait is bounded (<see cref="DefaultTimeout"/>) so a bug fails the test instead of hanging it.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable, IDisposable
{
    /// <summary>Upper bound for any wait that should succeed; generous for a loaded 2-core machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly TcpListener _listener;
    private readonly Func<LoopbackConnection, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<LoopbackConnection> _connections = new();
    private readonly List<Task> _handlerTasks = new();
    private readonly ConcurrentQueue<Exception> _handlerErrors = new();
    private readonly SemaphoreSlim _accepted = new(0);
    private readonly Task _acceptLoop;

    /// <summary>Most requests <see cref="Respond"/> answers on one connection: bounds its loop.</summary>
    private const int MaxRequestsPerConnection = 1000;

    private LoopbackServer(IPAddress address, Func<LoopbackConnection, Task> handler)
    {
        _handler = handler;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts a server on 127.0.0.1 (or <paramref name="address"/>, e.g. IPv6Loopback) running
    /// <paramref name="handler"/> for each accepted connection.</summary>
    public static LoopbackServer Start(Func<LoopbackConnection, Task> handler, IPAddress? address = null)
        => new(address ?? IPAddress.Loopback, handler);

    /// <summary>
    /// Starts a server that, on every connection, answers each request with the next of <paramref name="responses"/>
    /// (Latin-1 text) and closes the connection after the last one it has.
    /// </summary>
    public static LoopbackServer Serve(params string[] responses) => ServeOn(IPAddress.Loopback, responses);

    /// <summary><see cref="Serve"/> on a given loopback address (IPv6Loopback for ::1).</summary>
    public static LoopbackServer ServeOn(IPAddress address, params string[] responses) => Start(async connection =>
    {
        foreach (var response in responses)
        {
            await connection.ReadRequestAsync();
            await connection.SendAsync(response);
        }
        connection.Close();
    }, address);

    /// <summary>
    /// Starts a server that answers every complete request (head plus body, Latin-1) with
    /// <paramref name="respond"/>(connection index, request); an empty answer sends nothing (a silent server) and
    /// null closes the connection.
    /// </summary>
    public static LoopbackServer Respond(Func<int, string, byte[]?> respond) => Start(async connection =>
    {
        for (int i = 0; i < MaxRequestsPerConnection; i++)
        {
            byte[] request;
            try { request = await connection.ReadRequestAsync(); }
            catch (EndOfStreamException) { return; }
            byte[]? response = respond(connection.Index, Latin1.Text(request));
            if (response is null) break;
            await connection.SendAsync(response);
        }
        connection.Close();
    });

    /// <summary>Every complete request read by any connection's <see cref="LoopbackConnection.ReadRequestAsync"/>,
    /// in order (Latin-1 text).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The bound endpoint.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The bound port.</summary>
    public int Port => EndPoint.Port;

    /// <summary>The host text for an HttpConnection ("127.0.0.1" or "::1").</summary>
    public string Host => EndPoint.Address.ToString();

    /// <summary>Number of connections accepted so far.</summary>
    public int ConnectionCount { get { lock (_connections) { return _connections.Count; } } }

    /// <summary>The accepted connections, in order.</summary>
    public IReadOnlyList<LoopbackConnection> Connections { get { lock (_connections) { return _connections.ToArray(); } } }

    /// <summary>Creates an HttpConnection to this server.</summary>
    public HttpConnection CreateConnection(TimeSpan? timeout = null) => new(Host, Port, timeout);

    /// <summary>Waits until at least <paramref name="count"/> connections were accepted and returns the last of them.</summary>
    public async Task<LoopbackConnection> WaitForConnectionAsync(int count = 1)
    {
        var deadline = DateTime.UtcNow + DefaultTimeout;
        while (ConnectionCount < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _accepted.WaitAsync(left)) throw new TimeoutException($"server saw {ConnectionCount} connections, expected {count}");
        }
        return Connections[count - 1];
    }

    /// <summary>Throws the first exception a handler raised (assert the server side went as scripted).</summary>
    public async Task AssertHandlersSucceededAsync()
    {
        Task[] tasks;
        lock (_connections) tasks = _handlerTasks.ToArray();
        await Task.WhenAll(tasks).WaitAsync(DefaultTimeout);
        if (_handlerErrors.TryPeek(out var error)) throw new InvalidOperationException("loopback handler failed", error);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException) { return; }
            LoopbackConnection connection;
            lock (_connections)
            {
                connection = new LoopbackConnection(socket, _connections.Count, Requests, _stop.Token);
                _connections.Add(connection);
                _handlerTasks.Add(Task.Run(async () =>
                {
                    try { await _handler(connection); }
                    catch (Exception e) when (!_stop.IsCancellationRequested) { _handlerErrors.Enqueue(e); }
                    catch (Exception) { /* stopping: the test is over */ }
                }));
            }
            _accepted.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var c in Connections) c.Close();
        Task[] tasks;
        lock (_connections) tasks = _handlerTasks.Append(_acceptLoop).ToArray();
        try { await Task.WhenAll(tasks).WaitAsync(DefaultTimeout); } catch (Exception) { /* handlers were told to stop */ }
        _stop.Dispose();
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/> for synchronous tests; runs it off the test's
    /// synchronization context so the wait cannot deadlock.</summary>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();
}

/// <summary>One accepted connection of a <see cref="LoopbackServer"/>.</summary>
public sealed class LoopbackConnection
{
    /// <summary>Receive size; small requests arrive in one piece anyway.</summary>
    private const int ReceiveBufferSize = 16 * 1024;

    private readonly Socket _socket;
    private readonly CancellationToken _stop;
    private readonly ConcurrentQueue<string> _requestLog;
    private readonly MemoryStream _received = new();
    private readonly object _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _consumed;
    private bool _eof;

    internal LoopbackConnection(Socket socket, int index, ConcurrentQueue<string> requestLog, CancellationToken stop)
    {
        _socket = socket;
        Index = index;
        _requestLog = requestLog;
        _stop = stop;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        // One receive pump per connection: any number of waiters watch what it records.
        _ = Task.Run(PumpAsync);
    }

    /// <summary>0-based order in which the server accepted this connection.</summary>
    public int Index { get; }

    /// <summary>The client's address and port.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>Every byte received so far.</summary>
    public byte[] Received { get { lock (_gate) { return _received.ToArray(); } } }

    /// <summary>True once the client closed its sending side, or the connection failed or was closed.</summary>
    public bool SawEof { get { lock (_gate) { return _eof; } } }

    private async Task PumpAsync()
    {
        var buffer = new byte[ReceiveBufferSize];
        try
        {
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop);
                if (n == 0) break;
                Signal(() => _received.Write(buffer, 0, n));
            }
        }
        catch (Exception) { /* reset, closed or stopping: all end the stream */ }
        Signal(() => _eof = true);
    }

    private void Signal(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>Waits until <paramref name="done"/> holds on all bytes received so far (bounded by the timeout).</summary>
    public async Task ReceiveUntilAsync(Func<byte[], bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? LoopbackServer.DefaultTimeout);
        while (true)
        {
            Task changed;
            byte[] received;
            bool eof;
            lock (_gate)
            {
                changed = _changed.Task;
                received = _received.ToArray();
                eof = _eof;
            }
            if (done(received)) return;
            if (eof) throw new EndOfStreamException("client closed before the expected bytes arrived: " + Latin1.Text(received));
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException("loopback: expected bytes never arrived: " + Latin1.Text(received));
            try { await changed.WaitAsync(left, _stop); }
            catch (TimeoutException) { /* checked on the next turn */ }
        }
    }

    /// <summary>Waits for one complete request (head, then a Content-Length or chunked body) after the
    /// previous one and returns its bytes.</summary>
    public async Task<byte[]> ReadRequestAsync(TimeSpan? timeout = null)
    {
        int start;
        lock (_gate) start = _consumed;
        int end = -1;
        await ReceiveUntilAsync(all => (end = CompleteRequestEnd(all, start)) >= 0, timeout);
        lock (_gate) _consumed = end;
        byte[] request = Received[start..end];
        _requestLog.Enqueue(Latin1.Text(request));
        return request;
    }

    /// <summary>Waits until the client closes the connection (or the timeout passes: false).</summary>
    public async Task<bool> WaitForEofAsync(TimeSpan? timeout = null)
    {
        try { await ReceiveUntilAsync(_ => SawEof, timeout); return true; }
        catch (EndOfStreamException) { return true; }
        catch (TimeoutException) { return false; }
    }

    private static int CompleteRequestEnd(byte[] all, int start)
    {
        int headEnd = RecordedRequest.IndexOf(all, "\r\n\r\n"u8, start);
        if (headEnd < 0) return -1;
        var head = RecordedRequest.Parse(all[start..(headEnd + 4)]);
        int bodyStart = headEnd + 4;
        if (head.Header("Content-Length") is { } cl && int.TryParse(cl, NumberStyles.None, CultureInfo.InvariantCulture, out int length))
            return all.Length - bodyStart >= length ? bodyStart + length : -1;
        if (string.Equals(head.Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            try { return bodyStart + Chunked.FramedLength(all.AsSpan(bodyStart)); }
            catch (FormatException) { return -1; }
        }
        return bodyStart;
    }

    /// <summary>Sends Latin-1 text.</summary>
    public Task SendAsync(string text) => SendAsync(Latin1.Bytes(text));

    /// <summary>Sends bytes.</summary>
    public async Task SendAsync(byte[] bytes)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        cts.CancelAfter(LoopbackServer.DefaultTimeout);
        int sent = 0;
        while (sent < bytes.Length) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
    }

    /// <summary>Sends bytes in pieces of <paramref name="pieceSize"/> with <paramref name="delay"/> between them.</summary>
    public async Task SendInPiecesAsync(byte[] bytes, int pieceSize, TimeSpan delay)
    {
        for (int offset = 0; offset < bytes.Length; offset += pieceSize)
        {
            if (offset > 0) await Task.Delay(delay, _stop);
            await SendAsync(bytes[offset..Math.Min(bytes.Length, offset + pieceSize)]);
        }
    }

    /// <summary>Closes the connection (the client sees EOF).</summary>
    public void Close()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception) { /* already gone */ }
        _socket.Dispose();
    }
}
