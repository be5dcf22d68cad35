using System;
using System.IO;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.InMemory;

/// <summary>
/// Http.Client over the in-memory canned stream (ConnectCallback): one request's whole client-side cost without a
/// socket: write the request head, parse the status line and header block, look up two headers, decode the body
/// (Content-Length or chunked). Allocations here are exactly what issue 5 budgets (at most 256 B for "small").
/// </summary>
[MemoryDiagnoser]
public class HttpConnectionInMemoryBenchmarks
{
    private readonly byte[] buffer = new byte[LoopbackClient.ReadBufferSize];
    private HttpConnection? connection;
    private CannedDuplexStream? stream;

    [Params("small", "chunked")]
    public string Workload { get; set; } = "small";

    [GlobalSetup]
    public void Setup()
    {
        Workload workload = Loopback.Workload.Get(Workload);
        stream = new CannedDuplexStream(workload.Response);
        CannedDuplexStream transport = stream;
        connection = new HttpConnection("bench.invalid", 80)
        {
            ConnectCallback = (_, _) => new ValueTask<Stream>(transport),
        };
    }

    [GlobalCleanup]
    public void Cleanup() => connection?.Dispose();

    [Benchmark(Description = "Http.Client sync: GET, status, 2 headers, body")]
    public long GetSync()
    {
        connection!.Request("GET", "/");
        using HttpResponse response = connection.GetResponse();
        long total = response.Status;
        _ = response.GetHeader("Content-Type");
        _ = response.GetHeader("Server");
        int n;
        while ((n = response.Read(buffer.AsSpan())) > 0)
        {
            total += n;
        }

        return total;
    }

    [Benchmark(Description = "Http.Client async: GET, status, 2 headers, body")]
    public Task<long> GetAsync() => GetAsyncCore(suspendHeadRead: false);

    /// <summary>
    /// The async GET with the head's read suspended as on a socket (<see cref="CannedDuplexStream.HoldResponses"/>), then
    /// completed on this thread: the cost of the async levels that suspend and resume, without a thread hop.
    /// </summary>
    public async Task<long> GetAsyncCore(bool suspendHeadRead)
    {
        stream!.HoldResponses = suspendHeadRead;
        await connection!.RequestAsync("GET", "/").ConfigureAwait(false);
        ValueTask<HttpResponse> head = connection.GetResponseAsync();
        stream.Release();
        using HttpResponse response = await head.ConfigureAwait(false);
        long total = response.Status;
        _ = response.GetHeader("Content-Type");
        _ = response.GetHeader("Server");
        int n;
        while ((n = await response.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
        {
            total += n;
        }

        return total;
    }
}
