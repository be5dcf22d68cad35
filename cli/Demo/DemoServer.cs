using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli.Demo;

/// <summary>
/// The small HTTP/1.1 server <c>httpc demo</c> talks to: 127.0.0.1 on an ephemeral port, inside the process,
/// answering the routes of the seed's examples. Keep-alive, bounded in connections, sizes and idle time;
/// disposing it closes every connection. Hand-written over sockets so the tool needs only the .NET runtime.
/// </summary>
internal sealed class DemoServer : IAsyncDisposable
{
    /// <summary>Concurrent connections: the demo uses one at a time; the bound keeps a stray client from piling up tasks.</summary>
    internal const int MaxConnections = 16;

    /// <summary>A connection idle (or mid-request) this long is closed: nothing in the demo waits that long.</summary>
    internal static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Most bytes read after an error response before closing (see <see cref="DrainBeforeCloseAsync"/>).</summary>
    private const int MaxDrainBytes = 64 * 1024;

    /// <summary>Longest wait for the client to finish sending after an error response.</summary>
    private static readonly TimeSpan DrainTime = TimeSpan.FromSeconds(2);

    /// <summary>How long disposal waits for connection tasks to finish after their sockets were closed.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>The home page: HTML longer than 200 bytes, so reading it in 200-byte chunks takes several reads.</summary>
    internal const string HomePage = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Http.Client demo server</title>
        </head>
        <body>
          <h1>Http.Client demo server</h1>
          <p>This page is served by the HTTP/1.1 server built into <code>httpc demo</code>.
          It listens on 127.0.0.1 only, on a port the system picked, and stops when the demo ends.</p>
          <p>Routes: <code>GET /</code> and <code>HEAD /</code> (this page),
          <code>POST /cgi-bin/query</code> (302 Found), <code>PUT /file</code> (200 OK, echoes the body),
          <code>GET /issueNNN</code>; anything else is 404 Not Found.</p>
        </body>
        </html>

        """;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _connectionSlots = new(MaxConnections, MaxConnections);
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly Task _acceptLoop;
    private int _disposed;

    private DemoServer(TcpListener listener)
    {
        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port the server listens on (on 127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Starts listening on 127.0.0.1 on an ephemeral port.</summary>
    public static DemoServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(MaxConnections);
        return new DemoServer(listener);
    }

    /// <summary>Stops accepting, closes every connection, and waits (bounded) for their tasks.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Stop();
        foreach (Socket socket in _connections.Keys)
        {
            socket.Dispose();
        }

        var pending = new List<Task>(_connections.Values) { _acceptLoop };
        try
        {
            await Task.WhenAll(pending).WaitAsync(ShutdownGrace).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Connection tasks end with whatever their closed socket threw; a task still running after the
            // grace period holds only a closed socket. Neither is worth surfacing at shutdown.
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _connectionSlots.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                _connectionSlots.Release();
                return;
            }

            socket.NoDelay = true;
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task connection = ServeThenReleaseAsync(socket, started.Task);
            _connections[socket] = connection;
            started.SetResult();
        }
    }

    private async Task ServeThenReleaseAsync(Socket socket, Task registered)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await ServeAsync(socket).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(socket, out _);
            socket.Dispose();
            _connectionSlots.Release();
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new DemoRequestReader(stream);
        while (!_stopping.IsCancellationRequested)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            idle.CancelAfter(IdleTimeout);
            try
            {
                DemoRequest? request = await reader.ReadRequestAsync(idle.Token).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                bool keepAlive = request.Version == "HTTP/1.1"
                    && !string.Equals(request.Header("Connection"), "close", StringComparison.OrdinalIgnoreCase);
                DemoResponse response = Route(request);
                await WriteAsync(stream, response, headOnly: request.Method == "HEAD", keepAlive, idle.Token).ConfigureAwait(false);
                if (!keepAlive)
                {
                    return;
                }
            }
            catch (DemoBadRequestException bad)
            {
                var response = new DemoResponse(bad.Status, "text/plain", Encoding.ASCII.GetBytes(bad.Message + "\n"));
                try
                {
                    await WriteAsync(stream, response, headOnly: false, keepAlive: false, idle.Token).ConfigureAwait(false);
                    await DrainBeforeCloseAsync(socket, stream).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    // The client is gone already; closing is all that is left to do.
                }

                return;
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Client went away, idled out, or the server is stopping: close this connection.
                return;
            }
        }
    }

    /// <summary>
    /// Closing a socket with unread input makes the kernel send RST, which can destroy the error response
    /// before the client reads it. So: end our side, then read (bounded) what the client still sends.
    /// </summary>
    private static async Task DrainBeforeCloseAsync(Socket socket, NetworkStream stream)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var limit = new CancellationTokenSource(DrainTime);
        byte[] scratch = new byte[4096];
        for (int drained = 0; drained < MaxDrainBytes;)
        {
            int read = await stream.ReadAsync(scratch, limit.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            drained += read;
        }
    }

    private DemoResponse Route(DemoRequest request)
    {
        int query = request.Target.IndexOf('?');
        string path = query < 0 ? request.Target : request.Target[..query];
        bool isRead = request.Method is "GET" or "HEAD";
        switch (path)
        {
            case "/":
                return isRead
                    ? new DemoResponse(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(HomePage))
                    : MethodNotAllowed("GET, HEAD");
            case "/cgi-bin/query":
                return request.Method == "POST" ? Query(request) : MethodNotAllowed("POST");
            case "/file":
                return request.Method == "PUT"
                    ? new DemoResponse(200, request.Header("Content-Type") ?? "application/octet-stream", request.Body)
                    : MethodNotAllowed("PUT");
        }

        if (isRead && path.StartsWith("/issue", StringComparison.Ordinal) && path.Length > "/issue".Length
            && path.AsSpan("/issue".Length).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            string page = $"<!doctype html>\n<html><body><h1>Issue {path["/issue".Length..]}</h1></body></html>\n";
            return new DemoResponse(200, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(page));
        }

        return isRead
            ? new DemoResponse(404, "text/html; charset=utf-8", Encoding.UTF8.GetBytes("<!doctype html>\n<html><body><h1>404 Not Found</h1></body></html>\n"))
            : MethodNotAllowed("GET, HEAD");
    }

    /// <summary>The bugs.python.org query of the seed's POST example: redirects to the issue named in the form.</summary>
    private DemoResponse Query(DemoRequest request)
    {
        string? number = null;
        foreach (string pair in Encoding.Latin1.GetString(request.Body).Split('&'))
        {
            int equals = pair.IndexOf('=');
            if (equals > 0 && Uri.UnescapeDataString(pair[..equals].Replace('+', ' ')) == "@number")
            {
                number = Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }

        if (number is null || number.Length == 0 || number.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            return new DemoResponse(400, "text/plain", Encoding.ASCII.GetBytes("the form needs a numeric @number\n"));
        }

        string location = $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/issue{number}";
        byte[] body = Encoding.ASCII.GetBytes($"Redirecting to <a href=\"{location}\">{location}</a>");
        return new DemoResponse(302, "text/html", body, new("Location", location));
    }

    private static DemoResponse MethodNotAllowed(string allow) =>
        new(405, "text/plain", Encoding.ASCII.GetBytes("method not allowed\n"), new("Allow", allow));

    private static async Task WriteAsync(Stream stream, DemoResponse response, bool headOnly, bool keepAlive, CancellationToken cancellationToken)
    {
        var head = new StringBuilder(256);
        head.Append("HTTP/1.1 ").Append(response.Status.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(ReasonPhrases.Get(response.Status) ?? "Unknown").Append("\r\n");
        head.Append("Server: httpc-demo\r\n");
        head.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        // HEAD gets the length GET would have, as RFC 9110 section 9.3.2 suggests.
        head.Append("Content-Length: ").Append(response.Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        if (response.ExtraHeader is { } extra)
        {
            head.Append(extra.Key).Append(": ").Append(extra.Value).Append("\r\n");
        }

        if (!keepAlive)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        byte[] headBytes = Encoding.Latin1.GetBytes(head.ToString());
        byte[] message = headOnly ? headBytes : [.. headBytes, .. response.Body];
        await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What the demo server answers: status, content type, body and at most one extra header.</summary>
internal sealed record DemoResponse(int Status, string ContentType, byte[] Body, KeyValuePair<string, string>? ExtraHeader = null);
