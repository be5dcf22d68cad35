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
/// "open" (a fresh keep-alive connection and 3 untimed requests; answers "ok"), "warmup MAX_SECONDS" (rounds of a
/// fresh connection and 0.05 s of requests, at least 40, answered as "#" lines, until the JIT has compiled nothing new for 8 rounds in a
/// row, i.e. tiered compilation has settled, or MAX_SECONDS; answers {"seconds","methods","settled"}) and "run SECONDS MAX_REQUESTS" (one timed segment; answers
/// {"requests","seconds","cpu","user","allocated","jit"}: wall time, this process's CPU time (every thread: the
/// runtime's GC, JIT and socket-engine threads included) and the user-mode part of it, bytes allocated on the managed heap, and JIT time in the segment).
/// </summary>
internal static class ClientProcess
{
    /// <summary>Commands one process accepts at most (a run needs a few dozen).</summary>
    private const int MaxCommands = 100_000;

    /// <summary>Requests sent on a fresh connection before a segment is timed (slow start, first-use costs).</summary>
    private const int ConnectionWarmupRequests = 3;

    /// <summary>One warm-up round: a fresh connection, then requests for this long.</summary>
    private const double WarmupRoundSeconds = 0.05;

    /// <summary>
    /// Rounds at least: every segment opens a fresh connection, so the per-connection code (socket creation, connect,
    /// dispose) must be called often enough to be tiered up too (30 calls by default), not in a timed segment.
    /// </summary>
    private const int MinWarmupRounds = 40;

    /// <summary>Consecutive rounds that compiled nothing new: the JIT has settled.</summary>
    private const int QuietRoundsToSettle = 8;

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

        var session = new Session(
            Clients.FirstOrDefault(c => c.Key == args[0]).Create ?? throw new ArgumentException($"unknown client {args[0]}"),
            int.Parse(args[1], CultureInfo.InvariantCulture),
            Workload.Get(args[2]),
            ulong.Parse(args[3], CultureInfo.InvariantCulture));
        try
        {
            for (int i = 0; i < MaxCommands; i++)
            {
                string line = Console.ReadLine() ?? "quit";
                if (line.Trim() is "" or "quit")
                {
                    return 0;
                }

                Console.WriteLine(session.Handle(line));
            }

            return 0;
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>One client process's state: the client and what it needs to reconnect.</summary>
    private sealed class Session(Func<LoopbackClient> create, int port, Workload workload, ulong mask) : IDisposable
    {
        private LoopbackClient? client;

        /// <summary>Runs one command line and returns the answer line.</summary>
        public string Handle(string line)
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

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
                    return "ok";
                case "warmup":
                    return WarmUp(double.Parse(words[1], CultureInfo.InvariantCulture));
                case "run":
                    double seconds = double.Parse(words[1], CultureInfo.InvariantCulture);
                    long maxRequests = long.Parse(words[2], CultureInfo.InvariantCulture);
                    return Segment(client ?? throw new InvalidOperationException("run before open"), seconds, maxRequests);
                default:
                    throw new ArgumentException($"unknown command {words[0]}");
            }
        }

        /// <summary>
        /// Rounds of "open" and a short "run", through the same code as the real commands (their answers go out as
        /// "#" lines the harness skips), until tiered compilation has settled or <paramref name="maxSeconds"/> passed:
        /// what runs once per segment (connect, dispose, the answer's formatting) must reach tier 1 here too, not
        /// inside a timed segment.
        /// </summary>
        private string WarmUp(double maxSeconds)
        {
            long start = Stopwatch.GetTimestamp();
            long methods = System.Runtime.JitInfo.GetCompiledMethodCount();
            int quietRounds = 0;
            int round = 0;
            string run = string.Create(CultureInfo.InvariantCulture, $"run {WarmupRoundSeconds:R} {LoopbackOptions.MaxRequestsPerSegment}");
            for (; round < 100_000 && (round < MinWarmupRounds || quietRounds < QuietRoundsToSettle) && Stopwatch.GetElapsedTime(start).TotalSeconds < maxSeconds; round++)
            {
                Console.WriteLine("#" + Handle("open"));
                Console.WriteLine("#" + Handle(run));
                long now = System.Runtime.JitInfo.GetCompiledMethodCount();
                quietRounds = now == methods ? quietRounds + 1 : 0;
                methods = now;
            }

            bool settled = round >= MinWarmupRounds && quietRounds >= QuietRoundsToSettle;
            return string.Create(CultureInfo.InvariantCulture, $"{{\"seconds\":{Stopwatch.GetElapsedTime(start).TotalSeconds:R},\"methods\":{methods},\"settled\":{(settled ? "true" : "false")}}}");
        }

        public void Dispose() => client?.Dispose();
    }

    private static string Segment(LoopbackClient client, double seconds, long maxRequests)
    {
        TimeSpan jit0 = System.Runtime.JitInfo.GetCompilationTime();
        long cpu0 = CpuTime.ProcessCpuNanos();
        long user0 = CpuTime.ProcessUserCpuNanos();
        long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        SegmentResult r = client.RunAsync(start + (long)(seconds * Stopwatch.Frequency), maxRequests).AsTask().GetAwaiter().GetResult();
        long end = Stopwatch.GetTimestamp();
        long alloc1 = GC.GetTotalAllocatedBytes(precise: true);
        long cpu1 = CpuTime.ProcessCpuNanos();
        long user1 = CpuTime.ProcessUserCpuNanos();
        TimeSpan jit = System.Runtime.JitInfo.GetCompilationTime() - jit0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"requests\":{r.Requests},\"seconds\":{Stopwatch.GetElapsedTime(start, end).TotalSeconds:R},\"cpu\":{(cpu1 - cpu0) / 1e9:R},\"user\":{(user1 - user0) / 1e9:R},\"allocated\":{alloc1 - alloc0},\"jit\":{jit.TotalSeconds:R}}}");
    }
}
