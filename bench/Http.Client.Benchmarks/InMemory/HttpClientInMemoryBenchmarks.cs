using System;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.InMemory;

/// <summary>
/// Baseline: HttpClient (SocketsHttpHandler, one connection, ResponseHeadersRead) over the in-memory canned stream,
/// so its parsing and framing cost shows without socket noise. Compare with <see cref="HttpConnectionInMemoryBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class HttpClientInMemoryBenchmarks
{
    private readonly byte[] buffer = new byte[LoopbackClient.ReadBufferSize];
    private HttpClient? client;
    private Uri? uri;

    [Params("small", "chunked")]
    public string Workload { get; set; } = "small";

    [GlobalSetup]
    public void Setup()
    {
        Workload workload = Loopback.Workload.Get(Workload);
        var stream = new CannedDuplexStream(workload.Response);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = (_, _) => new ValueTask<Stream>(stream),
        };
        client = new HttpClient(handler);
        uri = new Uri("http://bench.invalid/");
    }

    [GlobalCleanup]
    public void Cleanup() => client?.Dispose();

    [Benchmark(Description = "HttpClient async: GET, status, 2 headers, body")]
    public async Task<long> HttpClientGet()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using HttpResponseMessage response = await client!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        long total = (int)response.StatusCode;
        response.Content.Headers.NonValidated.TryGetValues("Content-Type", out _);
        response.Headers.NonValidated.TryGetValues("Server", out _);
        using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        int n;
        while ((n = await body.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            total += n;
        }

        return total;
    }
}
