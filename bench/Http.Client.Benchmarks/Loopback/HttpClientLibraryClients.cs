using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>The clients under test: Http.Client's HttpConnection, sync and async, on one keep-alive connection.</summary>
internal static class HttpClientLibraryClients
{
    public static IEnumerable<LoopbackClient> Create(bool withTimeoutVariants)
    {
        yield return new HttpConnectionClient(async: false);
        yield return new HttpConnectionClient(async: true);
        if (withTimeoutVariants)
        {
            // With a timeout the sync path must still use a blocking socket, and async reads must not pay a timer each.
            yield return new HttpConnectionClient(async: false, withTimeout: true);
            yield return new HttpConnectionClient(async: true, withTimeout: true);
        }
    }
}

/// <summary>
/// Http.Client: Request("GET", "/"), GetResponse, status, two header look-ups, the body read into a reused buffer
/// through Stream.Read(Span) / ReadAsync(Memory), then Dispose (the connection stays open for the next request).
/// </summary>
internal sealed class HttpConnectionClient(bool async, bool withTimeout = false)
    : LoopbackClient((async ? "Http.Client async" : "Http.Client sync") + (withTimeout ? " +timeout" : ""))
{
    /// <summary>The timeout of the "+timeout" variants: long enough never to fire, so only its cost shows.</summary>
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(30);

    private readonly byte[] buffer = new byte[ReadBufferSize];
    private HttpConnection? connection;
    private Workload? workload;

    public override bool IsSynchronous => !async;

    public override void Open(int port, Workload workload)
    {
        this.workload = workload;
        connection = new HttpConnection("127.0.0.1", port, withTimeout ? ConnectionTimeout : null);
        if (async)
        {
            connection.ConnectAsync().AsTask().GetAwaiter().GetResult();
        }
        else
        {
            connection.Connect();
        }
    }

    public override ValueTask<SegmentResult> RunAsync(long deadlineTimestamp, long maxRequests) =>
        async ? RunAsyncCore(deadlineTimestamp, maxRequests) : new ValueTask<SegmentResult>(RunSync(deadlineTimestamp, maxRequests));

    private SegmentResult RunSync(long deadlineTimestamp, long maxRequests)
    {
        HttpConnection c = connection!;
        long requests = 0;
        while (requests < maxRequests && TimeLeft(deadlineTimestamp))
        {
            c.Request("GET", "/");
            using HttpResponse response = c.GetResponse();
            Use(response);
            long read = 0;
            int n;
            while ((n = response.Read(buffer.AsSpan())) > 0)
            {
                read += n;
            }

            CheckBody(read, workload!);
            requests++;
        }

        return new SegmentResult(requests);
    }

    private async ValueTask<SegmentResult> RunAsyncCore(long deadlineTimestamp, long maxRequests)
    {
        HttpConnection c = connection!;
        long requests = 0;
        while (requests < maxRequests && TimeLeft(deadlineTimestamp))
        {
            await c.RequestAsync("GET", "/").ConfigureAwait(false);
            using HttpResponse response = await c.GetResponseAsync().ConfigureAwait(false);
            Use(response);
            long read = 0;
            int n;
            while ((n = await response.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
            {
                read += n;
            }

            CheckBody(read, workload!);
            requests++;
        }

        return new SegmentResult(requests);
    }

    /// <summary>What every client does with a response: the status and two header look-ups.</summary>
    private static void Use(HttpResponse response)
    {
        if (response.Status != 200 || response.GetHeader("Content-Type") is null || response.GetHeader("Server") is null)
        {
            throw new InvalidOperationException($"unexpected response {response.Status}");
        }
    }

    public override void Dispose() => connection?.Dispose();
}
