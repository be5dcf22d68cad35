using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Http.Client.Benchmarks.InMemory;
using Http.Client.Benchmarks.Loopback;
using Http.Client.Internal;

namespace Http.Client.Benchmarks.Profiling;

/// <summary>
/// "cputime" mode: the in-memory benchmarks' operations timed by the calling thread's own CPU time
/// (CLOCK_THREAD_CPUTIME_ID) instead of wall time, so that other load on the machine (which stretches wall time by
/// preempting the loop) does not enter the figure: the small head decoded in one call (keep-alive), and whole GETs
/// over the in-memory stream (request written, head decoded, two header look-ups, body read into a reused buffer):
/// small sync, chunked and large sync and async, and async with the head's read suspended and resumed on the calling
/// thread (the async levels' own cost; the body path without the kernel's share). Medians of 9
/// passes of 100,000 operations (10,000 for the 64 KiB and 1 MiB bodies; each pass bounded by 30 s of wall time).
/// An argument filters the operations by name (e.g. "chunked").
/// </summary>
internal static class ThreadCpuTimings
{
    private const int Passes = 9;

    private const int Operations = 100_000;

    private static readonly TimeSpan PassLimit = TimeSpan.FromSeconds(30);

    public static int Run(string[] args)
    {
        string filter = args.Length > 0 ? args[0] : "";
        var parser = new ParserBenchmarks();
        parser.Setup();
        Report(filter, "decode small head in one call, keep-alive (ResponseHeadDecoder)", Operations, () => parser.DecodeHeadKeepAlive());
        Report(filter, "decode small head in one call, first response (ResponseHeadDecoder)", Operations, () => parser.DecodeHeadFirst());
        foreach (string workload in new[] { "small", "chunked", "large" })
        {
            var get = new HttpConnectionInMemoryBenchmarks { Workload = workload };
            get.Setup();
            int operations = workload == "small" ? Operations : Operations / 10;
            Report(filter, $"Http.Client sync GET over the in-memory stream ({workload}: request, head, 2 headers, body)", operations, () => (int)get.GetSync());
            if (workload != "small")
            {
                Report(filter, $"Http.Client async GET over the in-memory stream ({workload})", operations, () => (int)get.GetAsync().GetAwaiter().GetResult());
                Report(filter, $"Http.Client async GET over the in-memory stream, head read suspended and resumed ({workload})", operations,
                    () => (int)get.GetAsyncCore(suspendHeadRead: true).GetAwaiter().GetResult());
            }

            get.Cleanup();
        }

        return 0;
    }

    private static void Report(string filter, string name, int operations, Func<int> operation)
    {
        if (!name.Contains(filter, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 20_000; i++)
            {
                operation(); // JIT, tiering (instrumented tier, then tier 1)
            }

            System.Threading.Thread.Sleep(1_000); // let tier-1 compilation finish
        }
        double[] ns = new double[Passes];
        for (int p = 0; p < Passes; p++)
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(PassLimit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            long cpu0 = CpuTime.CurrentThreadCpuNanos();
            int done = 0;
            for (; done < operations && (done % 1024 != 0 || System.Diagnostics.Stopwatch.GetTimestamp() < deadline); done++)
            {
                operation();
            }

            ns[p] = (double)(CpuTime.CurrentThreadCpuNanos() - cpu0) / done;
            if (p == Passes - 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {ns.OrderBy(x => x).ElementAt(Passes / 2),8:0} ns CPU (min {ns.Min():0}, max {ns.Max():0}), {(double)(GC.GetAllocatedBytesForCurrentThread() - alloc0) / done:0} B allocated per operation"));
            }
        }
    }
}
