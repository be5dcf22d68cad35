using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.OutOfProcess;

/// <summary>
/// "oop-client" mode: one benchmark client alone in its own process, driven by the out-of-process harness over
/// stdin/stdout, one command per line, until "quit" or end of input:
/// "open" (a fresh keep-alive connection and 3 untimed requests; answers "ok") and "run SECONDS MAX_REQUESTS"
/// (one timed segment; answers {"requests","seconds","cpu","allocated"}: wall time, this process's CPU time (every
/// thread: the runtime's GC, JIT and socket-engine threads included) and bytes allocated on the managed heap).
/// </summary>
internal static class ClientProcess
{
    /// <summary>Commands one process accepts at most (a run needs a few dozen).</summary>
    private const int MaxCommands = 100_000;

    /// <summary>Requests sent on a fresh connection before a segment is timed (slow start, first-use costs).</summary>
    private const int ConnectionWarmupRequests = 3;

    /// <summary>The .NET clients a process can be: key on the command line, factory.</summary>
    public static IReadOnlyList<(string Key, Func<LoopbackClient> Create)> Clients { get; } =
    [
        ("floor", () => new RawSocketFloorClient()),
        ("raw-async", () => new RawSocketFloorClient(RawSocketMode.Async)),
        ("httpclient-sync", () => new HttpClientClient(async: false)),
        ("httpclient-async", () => new HttpClientClient(async: true)),
        ("http.client-sync", () => new HttpConnectionClient(async: false)),
        ("http.client-async", () => new HttpConnectionClient(async: true)),
        ("http.client-sync-timeout", () => new HttpConnectionClient(async: false, withTimeout: true)),
        ("http.client-async-timeout", () => new HttpConnectionClient(async: true, withTimeout: true)),
    ];

    /// <summary>Entry point: oop-client KEY PORT WORKLOAD CPU_MASK (mask 0: not pinned).</summary>
    public static int Run(string[] args)
    {
        if (args.Length != 4)
        {
            throw new ArgumentException("oop-client takes KEY PORT WORKLOAD CPU_MASK");
        }

        Func<LoopbackClient> create = Clients.FirstOrDefault(c => c.Key == args[0]).Create
            ?? throw new ArgumentException($"unknown client {args[0]}");
        int port = int.Parse(args[1], CultureInfo.InvariantCulture);
        Workload workload = Workload.Get(args[2]);
        ulong mask = ulong.Parse(args[3], CultureInfo.InvariantCulture);
        LoopbackClient? client = null;
        try
        {
            for (int i = 0; i < MaxCommands; i++)
            {
                string[] words = (Console.ReadLine() ?? "quit").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0 || words[0] == "quit")
                {
                    return 0;
                }

                // Threads the runtime started since the last command (thread pool, socket engine) join the client's CPU.
                if (mask != 0)
                {
                    CpuTime.PinAllThreadsExcept(mask, []);
                }

                switch (words[0])
                {
                    case "open":
                        client?.Dispose();
                        client = create();
                        client.Open(port, workload);
                        client.RunAsync(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10, ConnectionWarmupRequests).AsTask().GetAwaiter().GetResult();
                        Console.WriteLine("ok");
                        break;
                    case "run":
                        double seconds = double.Parse(words[1], CultureInfo.InvariantCulture);
                        long maxRequests = long.Parse(words[2], CultureInfo.InvariantCulture);
                        Console.WriteLine(Segment(client ?? throw new InvalidOperationException("run before open"), seconds, maxRequests));
                        break;
                    default:
                        throw new ArgumentException($"unknown command {words[0]}");
                }
            }

            return 0;
        }
        finally
        {
            client?.Dispose();
        }
    }

    private static string Segment(LoopbackClient client, double seconds, long maxRequests)
    {
        long cpu0 = CpuTime.ProcessCpuNanos();
        long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        SegmentResult r = client.RunAsync(start + (long)(seconds * Stopwatch.Frequency), maxRequests).AsTask().GetAwaiter().GetResult();
        long end = Stopwatch.GetTimestamp();
        long alloc1 = GC.GetTotalAllocatedBytes(precise: true);
        long cpu1 = CpuTime.ProcessCpuNanos();
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"requests\":{r.Requests},\"seconds\":{Stopwatch.GetElapsedTime(start, end).TotalSeconds:R},\"cpu\":{(cpu1 - cpu0) / 1e9:R},\"allocated\":{alloc1 - alloc0}}}");
    }
}
