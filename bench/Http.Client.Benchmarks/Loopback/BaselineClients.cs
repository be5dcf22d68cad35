using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>
/// The floor: a blocking socket that sends a pre-encoded request in one send and receives exactly the known
/// response length into a reused buffer. No parsing, no allocation: what any client pays at least.
/// </summary>
internal sealed class RawSocketFloorClient(RawSocketMode mode = RawSocketMode.Blocking) : LoopbackClient(NameOf(mode))
{
    public static string NameOf(RawSocketMode mode) => mode switch
    {
        RawSocketMode.Blocking => "raw-socket floor",
        RawSocketMode.NonBlockingSync => "raw-socket nonblocking-sync",
        _ => "raw-socket async",
    };

    public override bool IsSynchronous => mode != RawSocketMode.Async;

    private Socket? socket;
    private byte[] request = [];
    private readonly byte[] buffer = new byte[ReadBufferSize];
    private Workload? workload;

    public override void Open(int port, Workload workload)
    {
        this.workload = workload;
        request = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Encoding: identity\r\n\r\n");
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.ReceiveTimeout = 30_000;
        socket.SendTimeout = 30_000;
        if (mode == RawSocketMode.Blocking)
        {
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        }
        else
        {
            // An async operation switches .NET's socket to non-blocking mode for good (sync calls then wait on epoll).
            socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).GetAwaiter().GetResult();
        }
    }

    public override ValueTask<SegmentResult> RunAsync(long deadlineTimestamp, long maxRequests)
    {
        if (mode == RawSocketMode.Async)
        {
            return RunAsyncCore(deadlineTimestamp, maxRequests);
        }

        Socket s = socket!;
        int expected = workload!.Response.Length;
        long requests = 0;
        while (requests < maxRequests && TimeLeft(deadlineTimestamp))
        {
            s.Send(request);
            int received = 0;
            while (received < expected)
            {
                int n = s.Receive(buffer.AsSpan(0, Math.Min(buffer.Length, expected - received)));
                if (n == 0)
                {
                    throw new IOException("server closed the connection");
                }

                received += n;
            }

            requests++;
        }

        return new ValueTask<SegmentResult>(new SegmentResult(requests));
    }

    private async ValueTask<SegmentResult> RunAsyncCore(long deadlineTimestamp, long maxRequests)
    {
        Socket s = socket!;
        int expected = workload!.Response.Length;
        long requests = 0;
        while (requests < maxRequests && TimeLeft(deadlineTimestamp))
        {
            await s.SendAsync(request.AsMemory(), SocketFlags.None).ConfigureAwait(false);
            int received = 0;
            while (received < expected)
            {
                int n = await s.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, expected - received)), SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException("server closed the connection");
                }

                received += n;
            }

            requests++;
        }

        return new SegmentResult(requests);
    }

    public override void Dispose() => socket?.Dispose();
}

internal enum RawSocketMode
{
    Blocking,
    NonBlockingSync,
    Async,
}

/// <summary>HttpClient on SocketsHttpHandler with one connection, ResponseHeadersRead, async or sync (HttpClient.Send).</summary>
internal sealed class HttpClientClient(bool async) : LoopbackClient(async ? "HttpClient async" : "HttpClient sync")
{
    private HttpClient? client;
    private Uri? uri;
    private Workload? workload;
    private readonly byte[] buffer = new byte[ReadBufferSize];

    public override bool IsSynchronous => !async;

    public override void Open(int port, Workload workload)
    {
        this.workload = workload;
        uri = new Uri($"http://127.0.0.1:{port}/");
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public override async ValueTask<SegmentResult> RunAsync(long deadlineTimestamp, long maxRequests)
    {
        HttpClient c = client!;
        long requests = 0;
        while (requests < maxRequests && TimeLeft(deadlineTimestamp))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            long read = 0;
            if (async)
            {
                using HttpResponseMessage response = await c.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                Use(response);
                using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                int n;
                while ((n = await body.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    read += n;
                }
            }
            else
            {
                using HttpResponseMessage response = c.Send(request, HttpCompletionOption.ResponseHeadersRead);
                Use(response);
                using Stream body = response.Content.ReadAsStream();
                int n;
                while ((n = body.Read(buffer)) > 0)
                {
                    read += n;
                }
            }

            CheckBody(read, workload!);
            requests++;
        }

        return new SegmentResult(requests);
    }

    /// <summary>What every client does with a response: status and at most two header look-ups (cheapest HttpClient way).</summary>
    private static void Use(HttpResponseMessage response)
    {
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException($"status {(int)response.StatusCode}");
        }

        if (!response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var contentType) || contentType.Count != 1)
        {
            throw new InvalidOperationException("no Content-Type");
        }

        if (!response.Headers.NonValidated.TryGetValues("Server", out var server) || server.Count != 1)
        {
            throw new InvalidOperationException("no Server");
        }
    }

    public override void Dispose() => client?.Dispose();
}

/// <summary>
/// CPython 3 http.client in a python3 subprocess against the same server: one HTTPConnection, sequential
/// requests, getheader twice, read() the body. It times itself (interpreter start-up excluded).
/// </summary>
internal sealed class CPythonClient() : LoopbackClient("CPython http.client")
{
    /// <summary>How long past its own duration the subprocess may take before it is killed as hung.</summary>
    private static readonly TimeSpan ExtraAllowance = TimeSpan.FromSeconds(20);

    private int port;
    private Workload? workload;

    public override bool IsExternal => true;

    public static bool IsAvailable() => OutOfProcess.ChildProcesses.CanRun("python3", "-c", "import http.client") && File.Exists(ScriptPath);

    private static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "cpython_client.py");

    public override void Open(int port, Workload workload)
    {
        this.port = port;
        this.workload = workload;
    }

    public override ValueTask<SegmentResult> RunAsync(long deadlineTimestamp, long maxRequests)
    {
        double seconds = Math.Max(0.05, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadlineTimestamp).TotalSeconds);
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(ScriptPath);
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(seconds.ToString("R", CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(maxRequests.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(workload!.BodyLength.ToString(CultureInfo.InvariantCulture));
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start python3");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(seconds) + ExtraAllowance))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("python3 client hung");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("python3 client failed: " + stderr.GetAwaiter().GetResult());
        }

        using JsonDocument json = JsonDocument.Parse(stdout.GetAwaiter().GetResult());
        JsonElement root = json.RootElement;
        return new ValueTask<SegmentResult>(new SegmentResult(
            root.GetProperty("requests").GetInt64(),
            root.GetProperty("seconds").GetDouble(),
            root.GetProperty("cpu").GetDouble()));
    }
}
