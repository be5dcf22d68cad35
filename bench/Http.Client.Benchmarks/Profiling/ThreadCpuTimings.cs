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
/// preempting the loop) does not enter the figure: the small head decoded in one call (keep-alive), and one whole
/// sync GET over the in-memory stream (request written, head decoded, two header look-ups, 13-byte body read).
/// Medians of 9 passes of 100,000 operations (each pass bounded by 30 s of wall time). "cputime head" times the head
/// decodes alone (a short run, for comparing builds one after the other).
/// </summary>
internal static class ThreadCpuTimings
{
    private const int Passes = 9;

    private const int Operations = 100_000;

    private static readonly TimeSpan PassLimit = TimeSpan.FromSeconds(30);

    public static int Run(string[] args)
    {
        var parser = new ParserBenchmarks();
        parser.Setup();
        Report("decode small head in one call, keep-alive (ResponseHeadDecoder)", () => parser.DecodeHeadKeepAlive());
        Report("decode small head in one call, first response (ResponseHeadDecoder)", () => parser.DecodeHeadFirst());
        if (args.Length > 0 && args[0] == "head")
        {
            return 0;
        }

        var get = new HttpConnectionInMemoryBenchmarks { Workload = "small" };
        get.Setup();
        Report("Http.Client sync GET over the in-memory stream (small: request, head, 2 headers, body)", () => (int)get.GetSync());
        get.Cleanup();
        return 0;
    }

    private static void Report(string name, Func<int> operation)
    {
        for (int i = 0; i < 20_000; i++)
        {
            operation(); // JIT, tiering
        }

        System.Threading.Thread.Sleep(1_500); // let tier-1 compilation finish
        double[] ns = new double[Passes];
        for (int p = 0; p < Passes; p++)
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(PassLimit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            long cpu0 = CpuTime.CurrentThreadCpuNanos();
            int done = 0;
            for (; done < Operations && (done % 1024 != 0 || System.Diagnostics.Stopwatch.GetTimestamp() < deadline); done++)
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
