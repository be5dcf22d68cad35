using System;
using System.Threading;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Linq;
using System.Threading.Tasks;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.Profiling;

/// <summary>
/// "allocs" mode: where Http.Client's per-request allocations come from, on loopback against the canned server.
/// Step breakdown: bytes allocated (GC.GetTotalAllocatedBytes(precise)) around each call of one request
/// (Request, GetResponse, GetHeader x2, body reads, Dispose), averaged; then a type histogram from the runtime's
/// sampled GCAllocationTick events (one sample per ~100 KB allocated), read in-process with an EventListener.
/// </summary>
internal static class AllocationProfile
{
    /// <summary>Requests per measured pass: enough for a few hundred allocation samples, bounded in count.</summary>
    private const int Requests = 20_000;

    /// <summary>Wall-clock bound per pass, beside the count bound.</summary>
    private static readonly TimeSpan PassLimit = TimeSpan.FromSeconds(60);

    private static readonly string[] Steps = ["Request", "GetResponse", "Status+GetHeader x2", "body reads", "Dispose"];

    public static int Run(string[] args)
    {
        string workloadName = args.Length > 0 ? args[0] : "small";
        Workload workload = Workload.Get(workloadName);
        using var server = new CannedServer(workload.Response);
        foreach (bool async in new[] { false, true })
        {
            Console.WriteLine($"== Http.Client {(async ? "async" : "sync")}, {workload.Name}: bytes allocated per request, by step (mean of {Requests} requests)");
            using var connection = new HttpConnection("127.0.0.1", server.Port);
            CountingNetworkStream? counted = null;
            connection.ConnectCallback = (endPoint, _) =>
            {
                // A blocking connect keeps the socket in blocking mode for the sync run, as HttpConnection's own TCP path does.
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Connect(new IPEndPoint(IPAddress.Loopback, endPoint.Port));
                counted = new CountingNetworkStream(socket);
                return new ValueTask<Stream>(counted);
            };
            byte[] buffer = new byte[LoopbackClient.ReadBufferSize];
            var totals = new long[Steps.Length];
            // Warm up until tiered compilation settles: the totals are process-wide, and a JIT still compiling (for seconds
            // in a fresh process) allocates on its own thread inside the measured steps. At most 40 rounds of 2,000 requests.
            for (int round = 0, quiet = 0; round < 40 && quiet < 2; round++)
            {
                long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
                RunPass(connection, buffer, async, workload, 2_000, null).GetAwaiter().GetResult();
                Thread.Sleep(100);
                quiet = System.Runtime.JitInfo.GetCompiledMethodCount() == compiled ? quiet + 1 : 0;
            }
            long reads0 = counted!.Reads, writes0 = counted.Writes;
            int done = RunPass(connection, buffer, async, workload, Requests, totals).GetAwaiter().GetResult();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  socket reads/request {(double)(counted.Reads - reads0) / done:0.00}, writes/request {(double)(counted.Writes - writes0) / done:0.00}"));
            long sum = 0;
            for (int i = 0; i < Steps.Length; i++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Steps[i],-22} {(double)totals[i] / done,8:0.0} B"));
                sum += totals[i];
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"total",-22} {(double)sum / done,8:0.0} B"));

            using var listener = new AllocationListener();
            int sampled = RunPass(connection, buffer, async, workload, Requests, null).GetAwaiter().GetResult();
            Console.WriteLine($"  sampled allocation types over {sampled} requests (GCAllocationTick, ~100 KB per sample):");
            foreach ((string type, long bytes) in listener.ByType.OrderByDescending(kv => kv.Value).Take(15).Select(kv => (kv.Key, kv.Value)))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {(double)bytes / sampled,8:0.0} B/request  {type}"));
            }

            Console.WriteLine();
        }

        return 0;
    }

    private static async Task<int> RunPass(HttpConnection connection, byte[] buffer, bool async, Workload workload, int count, long[]? totals)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(PassLimit.TotalSeconds * Stopwatch.Frequency);
        int i = 0;
        for (; i < count && Stopwatch.GetTimestamp() < deadline; i++)
        {
            long a0 = Mark(totals);
            if (async)
            {
                await connection.RequestAsync("GET", "/").ConfigureAwait(false);
            }
            else
            {
                connection.Request("GET", "/");
            }

            long a1 = Mark(totals);
            HttpResponse response = async ? await connection.GetResponseAsync().ConfigureAwait(false) : connection.GetResponse();
            long a2 = Mark(totals);
            if (response.Status != 200 || response.GetHeader("Content-Type") is null || response.GetHeader("Server") is null)
            {
                throw new InvalidOperationException("bad response");
            }

            long a3 = Mark(totals);
            long read = 0;
            int n;
            while ((n = async ? await response.ReadAsync(buffer.AsMemory()).ConfigureAwait(false) : response.Read(buffer.AsSpan())) > 0)
            {
                read += n;
            }

            if (read != workload.BodyLength)
            {
                throw new InvalidOperationException("short body");
            }

            long a4 = Mark(totals);
            response.Dispose();
            long a5 = Mark(totals);
            if (totals is not null)
            {
                totals[0] += a1 - a0;
                totals[1] += a2 - a1;
                totals[2] += a3 - a2;
                totals[3] += a4 - a3;
                totals[4] += a5 - a4;
            }
        }

        return i;
    }

    private static long Mark(long[]? totals) => totals is null ? 0 : GC.GetTotalAllocatedBytes(precise: true);

    /// <summary>Collects GCAllocationTick (sampled allocations with their type names) from the runtime's event source.</summary>
    private sealed class AllocationListener : EventListener
    {
        /// <summary>The runtime provider's GC keyword.</summary>
        private const EventKeywords GcKeyword = (EventKeywords)0x1;

        private readonly object gate = new();

        public Dictionary<string, long> ByType { get; } = [];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null || e.PayloadNames is null)
            {
                return;
            }

            int typeIndex = e.PayloadNames.IndexOf("TypeName");
            int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
            if (typeIndex < 0 || amountIndex < 0)
            {
                return;
            }

            string type = e.Payload[typeIndex] as string ?? "?";
            long amount = Convert.ToInt64(e.Payload[amountIndex], CultureInfo.InvariantCulture);
            lock (gate)
            {
                ByType[type] = ByType.GetValueOrDefault(type) + amount;
            }
        }
    }
}
