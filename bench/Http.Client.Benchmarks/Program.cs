using System;
using System.Linq;
using BenchmarkDotNet.Running;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks;

/// <summary>
/// Modes: "loopback" (throughput harness against a canned server, all in this process), "oop" (the same with the
/// server and each client in its own process; "oop-client" is one such client process), "allocs" and "bdn"
/// (BenchmarkDotNet in-memory benchmarks).
/// </summary>
public static class Program
{
    private const string Usage =
        "usage:\n" +
        "  dotnet run -c Release --project bench/Http.Client.Benchmarks -- loopback [--workload small|chunked|large|all] [--seconds N] [--reps N] [--warmup N] [--clients a,b] [--no-python] [--timeouts] [--pin same|split|none]\n" +
        "  dotnet run -c Release --project bench/Http.Client.Benchmarks -- oop [same options as loopback] [--baseline DIR]   (server and each client in its own process; needs gcc; --baseline adds the Http.Client clients of another build's output directory)\n" +
        "  dotnet run -c Release --project bench/Http.Client.Benchmarks -- oop-server small|chunked|large [CPU]   (only the native server, for profiling one client: prints its port, stops at end of input)\n" +
        "  Http.Client.Benchmarks oop-client KEY PORT WORKLOAD CPU_MASK   (one client process; commands on stdin: open, run SECONDS MAX, quit)\n" +
        "  dotnet run -c Release --project bench/Http.Client.Benchmarks -- allocs [small|chunked|large]   (Http.Client allocation profile by step and type)\n" +
        "  dotnet run -c Release --project bench/Http.Client.Benchmarks -- cputime [FILTER]   (head decode and in-memory GETs timed by thread CPU time: robust to other load)\n" +
        "  dotnet run -c Release --project bench/Http.Client.Benchmarks -- cputime-ab DIR_A DIR_B   (two builds' head decodes in one process, alternating slices)\n" +
        "  dotnet run -c Release --project bench/Http.Client.Benchmarks -- bdn [BenchmarkDotNet arguments, e.g. --filter '*' --job dry]";

    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        try
        {
            switch (args[0])
            {
                case "loopback":
                    return LoopbackHarness.Run(args[1..]);
                case "oop":
                    return LoopbackHarness.Run(args[1..], outOfProcess: true);
                case "oop-client":
                    return OutOfProcess.ClientProcess.Run(args[1..]);
                case "oop-server":
                    return OutOfProcess.NativeCannedServer.Serve(args[1..]);
                case "cputime":
                    return Profiling.ThreadCpuTimings.Run(args[1..]);
                case "cputime-ab":
                    return Profiling.BuildComparison.Run(args[1..]);
                case "allocs":
                    return Profiling.AllocationProfile.Run(args[1..]);
                case "bdn":
                    var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
                    foreach (var s in summaries)
                    {
                        if (s.HasCriticalValidationErrors || s.Reports.Length == 0 || s.Reports.Any(r => !r.Success))
                        {
                            Console.Error.WriteLine($"benchmark run failed: {s.Title}");
                            return 1;
                        }
                    }

                    return 0;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }
}
