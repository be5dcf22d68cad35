using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Http.Client.Benchmarks.OutOfProcess;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>Options of the loopback mode, parsed from the command line.</summary>
internal sealed class LoopbackOptions
{
    /// <summary>Upper bound on --seconds so a typo cannot keep the machine busy for hours.</summary>
    public const double MaxSecondsPerSegment = 30;

    /// <summary>Upper bound on --reps, for the same reason.</summary>
    public const int MaxReps = 50;

    /// <summary>Hard cap on requests in one segment, beside the time bound (no loop is bounded by time alone).</summary>
    public const long MaxRequestsPerSegment = 50_000_000;

    public List<Workload> Workloads { get; } = [];

    public double Seconds { get; set; } = 0.25;

    public int Reps { get; set; } = 12;

    /// <summary>In process: seconds each client runs untimed first. Out of process: the most each client process may take to let its JIT settle.</summary>
    public double WarmupSeconds { get; set; } = 0.5;

    /// <summary>Default of --warmup out of process: a fresh process needs seconds to finish tiered compilation on a busy machine.</summary>
    public const double OutOfProcessWarmupSeconds = 15;

    public bool Python { get; set; } = true;

    /// <summary>Also run Http.Client with a connection timeout set (sync and async).</summary>
    public bool TimeoutVariants { get; set; }

    /// <summary>
    /// none: let the scheduler place threads. same: every thread (clients and server) on CPU 0.
    /// split: server on CPU 1, everything else on CPU 0.
    /// </summary>
    public string Pin { get; set; } = "same";

    /// <summary>
    /// False (mode "loopback"): server and clients are threads of this process. True (mode "oop"): the server is
    /// canned_server.c in its own process and every client runs in its own process.
    /// </summary>
    public bool OutOfProcess { get; set; }

    /// <summary>Out of process: the output directory of another build of this program, whose Http.Client clients run beside this build's ("(baseline)").</summary>
    public string? BaselineBuild { get; set; }

    /// <summary>Client names to run (substring match, case-insensitive); empty means all.</summary>
    public List<string> ClientFilter { get; } = [];

    public static LoopbackOptions Parse(string[] args, bool outOfProcess = false)
    {
        var o = new LoopbackOptions { OutOfProcess = outOfProcess, WarmupSeconds = outOfProcess ? OutOfProcessWarmupSeconds : 0.5 };
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--workload":
                    string w = Value();
                    if (w == "all")
                    {
                        o.Workloads.AddRange(Workload.All);
                    }
                    else
                    {
                        foreach (string name in w.Split(','))
                        {
                            o.Workloads.Add(Workload.Get(name));
                        }
                    }

                    break;
                case "--seconds":
                    o.Seconds = Math.Clamp(double.Parse(Value(), CultureInfo.InvariantCulture), 0.01, MaxSecondsPerSegment);
                    break;
                case "--reps":
                    o.Reps = Math.Clamp(int.Parse(Value(), CultureInfo.InvariantCulture), 1, MaxReps);
                    break;
                case "--warmup":
                    o.WarmupSeconds = Math.Clamp(double.Parse(Value(), CultureInfo.InvariantCulture), 0, MaxSecondsPerSegment);
                    break;
                case "--pin":
                    o.Pin = Value();
                    if (o.Pin is not ("none" or "same" or "split"))
                    {
                        throw new ArgumentException("--pin takes none, same or split");
                    }

                    break;
                case "--timeouts":
                    o.TimeoutVariants = true;
                    break;
                case "--no-python":
                    o.Python = false;
                    break;
                case "--baseline":
                    o.BaselineBuild = Path.GetFullPath(Value());
                    break;
                case "--clients":
                    o.ClientFilter.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries));
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (o.Workloads.Count == 0)
        {
            o.Workloads.AddRange(Workload.All);
        }

        return o;
    }
}

/// <summary>One measured segment of one client.</summary>
internal readonly record struct Segment(long Requests, double Seconds, double ClientCpuSeconds, double TotalCpuSeconds, long AllocatedBytes, bool HasAllocation, double JitSeconds, double UserCpuSeconds = double.NaN)
{
    public double Rate => Requests / Seconds;
}

/// <summary>Medians for one client in one workload.</summary>
internal sealed record ClientSummary(string Name, double Rate, double VsFloor, double VsFloorMin, double VsFloorMax, double? VsSameModeFloor, double? VsHttpClient, double? VsSameModeHttpClient, double CpuVsFloor, double CpuMicrosPerRequest, double ClientCpuVsFloor, double ServerCpuMicrosPerRequest, double? BytesPerRequest, double JitMillis, double UserCpuMicrosPerRequest);

/// <summary>
/// The loopback throughput harness: starts the canned server, opens every client on its own keep-alive
/// connection, and runs them interleaved (A B C D, B C D A, ...) for a fixed time each, reporting medians.
/// Two settings: all in this process ("loopback"), or server and each client in its own process ("oop").
/// </summary>
internal static class LoopbackHarness
{
    public const string FloorName = "raw-socket floor";
    public const string HttpClientAsyncName = "HttpClient async";
    public const string HttpClientSyncName = "HttpClient sync";
    public const string RawAsyncName = "raw-socket async";

    /// <summary>CPU 0: the clients (and every runtime thread) when --pin is given.</summary>
    private const int ClientCpu = 0;

    /// <summary>CPU 1: the canned server when --pin split is given.</summary>
    private const int ServerCpu = 1;

    private const ulong ClientCpuMask = 1UL << ClientCpu;

    private const ulong ServerCpuMask = 1UL << ServerCpu;

    private static bool PinMode(LoopbackOptions options) => options.Pin != "none" && Environment.ProcessorCount >= 2 && CpuTime.IsSupported;

    public static int Run(string[] args, bool outOfProcess = false)
    {
        LoopbackOptions options = LoopbackOptions.Parse(args, outOfProcess);
        if (outOfProcess && !NativeCannedServer.CompilerAvailable())
        {
            Console.Error.WriteLine("oop needs gcc on PATH to compile its server (bench/Http.Client.Benchmarks/OutOfProcess/canned_server.c)");
            return 1;
        }

        Console.WriteLine(MachineDescription());
        Console.WriteLine(outOfProcess
            ? "setting: out of process (server: canned_server.c, single-threaded epoll, its own process; each client in its own process)"
            : "setting: in process (server: CannedServer, a thread per connection in this process; clients are threads of this process)");
        Console.WriteLine($"segments: {options.Seconds:0.###} s per client per rep, {options.Reps} reps, warm-up {(outOfProcess ? $"per client process until its JIT settles, at most {options.WarmupSeconds:0.###} s" : $"{options.WarmupSeconds:0.###} s per client")}; medians over reps{(options.Pin == "split" ? "; pinned: clients CPU 0, server CPU 1" : options.Pin == "same" ? "; pinned: clients and server on CPU 0" : "")}");
        Console.WriteLine("floor = raw-socket floor (blocking socket, pre-encoded request, exact-length receive, no parsing); same-mode raw socket = that floor for sync clients, raw-socket async for async ones");
        Console.WriteLine("client CPU = the client's process CPU (in process: minus the server threads' CPU), runtime threads (GC, JIT, epoll) included; server CPU likewise per request");
        Console.WriteLine("CPU-cost ratio = (floor's CPU per request) / (client's CPU per request), both including the server's share: the throughput ratio a dedicated CPU would give, and far less sensitive to other load");
        Console.WriteLine();
        if (outOfProcess && PinMode(options))
        {
            // Child processes inherit this affinity from their first instruction, as under taskset: the runtime then
            // sizes itself for the CPU it really has (Environment.ProcessorCount 1: no spin-waiting on the CPU the
            // server needs), which pinning a running process afterwards would not give.
            CpuTime.PinAllThreadsExcept(ClientCpuMask, []);
        }

        bool python = options.Python && CPythonClient.IsAvailable();
        if (options.Python && !python)
        {
            Console.WriteLine("python3 with http.client not found: the CPython client is skipped");
        }

        var results = new List<(Workload Workload, List<ClientSummary> Rows)>();
        foreach (Workload workload in options.Workloads)
        {
            results.Add((workload, RunWorkload(workload, options, python)));
        }

        Console.WriteLine("Summary: throughput ratio to the raw-socket floor measured in the same run (CPU-cost ratio), bytes allocated per request:");
        Console.WriteLine();
        Console.WriteLine(SummaryTable(results));
        return 0;
    }

    public static List<LoopbackClient> CreateClients(LoopbackOptions options, bool python)
    {
        List<LoopbackClient> all;
        if (options.OutOfProcess)
        {
            ulong mask = PinMode(options) ? ClientCpuMask : 0;
            all = ClientProcess.Clients
                .Where(c => options.TimeoutVariants || !c.Key.EndsWith("-timeout", StringComparison.Ordinal))
                .Select(c => (LoopbackClient)ChildProcessClient.DotNet(c.Key, mask))
                .ToList();
            if (options.BaselineBuild is string baseline)
            {
                all.Add(ChildProcessClient.DotNet("http.client-sync", mask, baseline));
                all.Add(ChildProcessClient.DotNet("http.client-async", mask, baseline));
            }

            if (python)
            {
                all.Add(ChildProcessClient.CPython(mask == 0 ? -1 : ClientCpu));
            }
        }
        else
        {
            all =
            [
                new RawSocketFloorClient(),
                new RawSocketFloorClient(RawSocketMode.NonBlockingSync),
                new RawSocketFloorClient(RawSocketMode.Async),
                new HttpClientClient(async: false),
                new HttpClientClient(async: true),
            ];
            all.AddRange(HttpClientLibraryClients.Create(options.TimeoutVariants));
            if (python)
            {
                all.Add(new CPythonClient());
            }
        }

        if (options.ClientFilter.Count == 0)
        {
            return all;
        }

        var chosen = all.Where(c => c.Name == FloorName || options.ClientFilter.Any(f => c.Name.Contains(f, StringComparison.OrdinalIgnoreCase))).ToList();
        foreach (LoopbackClient c in all.Except(chosen))
        {
            c.Dispose();
        }

        return chosen;
    }

    private static List<ClientSummary> RunWorkload(Workload workload, LoopbackOptions options, bool python)
    {
        Console.WriteLine($"== {workload.Name}: {workload.Description} ({workload.Response.Length} bytes on the wire per response)");
        bool pin = PinMode(options);
        using IBenchServer server = options.OutOfProcess
            ? new NativeCannedServer(workload.Response, !pin ? -1 : options.Pin == "same" ? ClientCpu : ServerCpu)
            : new CannedServer(workload.Response, !pin ? 0 : options.Pin == "same" ? ClientCpuMask : ServerCpuMask);
        List<LoopbackClient> clients = CreateClients(options, python);
        try
        {
            foreach (LoopbackClient c in clients)
            {
                c.Open(server.Port, workload);
            }

            if (options.WarmupSeconds > 0)
            {
                foreach (LoopbackClient c in clients.Where(c => c.WarmsUp))
                {
                    if (c is ChildProcessClient child)
                    {
                        Console.WriteLine(child.WarmUp(options.WarmupSeconds));
                    }
                    else
                    {
                        Measure(c, server, options.WarmupSeconds, workload);
                    }
                }
            }

            var segments = clients.ToDictionary(c => c.Name, _ => new List<Segment>());
            for (int rep = 0; rep < options.Reps; rep++)
            {
                // Rotate the starting client each rep so no client always follows the same neighbour.
                for (int k = 0; k < clients.Count; k++)
                {
                    LoopbackClient c = clients[(k + rep) % clients.Count];
                    if (pin)
                    {
                        CpuTime.PinAllThreadsExcept(ClientCpuMask, server.ThreadIds());
                    }

                    segments[c.Name].Add(Measure(c, server, options.Seconds, workload));
                }
            }

            List<ClientSummary> rows = Summarise(clients, segments, options.Reps);
            Console.WriteLine(DetailTable(rows));
            return rows;
        }
        finally
        {
            foreach (LoopbackClient c in clients)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>Requests sent on a fresh connection before its segment is timed (slow start, first-use costs).</summary>
    private const int ConnectionWarmupRequests = 3;

    private static Segment Measure(LoopbackClient client, IBenchServer server, double seconds, Workload workload)
    {
        if (client is ChildProcessClient child)
        {
            child.Reconnect();
        }
        else if (!client.IsExternal)
        {
            // A fresh keep-alive connection per segment: TCP buffer auto-tuning state would otherwise carry over from
            // one segment to the next and favour whichever connection happened to tune up (seen on "large").
            client.Dispose();
            client.Open(server.Port, workload);
            client.RunAsync(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10, ConnectionWarmupRequests).AsTask().GetAwaiter().GetResult();
        }

        long cpu0 = CpuTime.ProcessCpuNanos();
        TimeSpan jit0 = System.Runtime.JitInfo.GetCompilationTime();
        long server0 = server.ServerCpuNanos();
        long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(seconds * Stopwatch.Frequency);
        SegmentResult r = client.RunAsync(deadline, LoopbackOptions.MaxRequestsPerSegment).AsTask().GetAwaiter().GetResult();
        long end = Stopwatch.GetTimestamp();
        long alloc1 = GC.GetTotalAllocatedBytes(precise: true);
        long cpu1 = CpuTime.ProcessCpuNanos();
        long server1 = server.ServerCpuNanos();
        double jit = (System.Runtime.JitInfo.GetCompilationTime() - jit0).TotalSeconds;
        if (r.Requests == 0)
        {
            throw new InvalidOperationException($"{client.Name} completed no request in {seconds} s");
        }

        if (client.IsExternal)
        {
            double external = r.ExternalCpuSeconds ?? double.NaN;
            return new Segment(r.Requests, r.ExternalSeconds ?? Stopwatch.GetElapsedTime(start, end).TotalSeconds, external, external + (server1 - server0) / 1e9, r.ExternalAllocatedBytes ?? 0, HasAllocation: r.ExternalAllocatedBytes is not null, r.ExternalJitSeconds ?? 0, r.ExternalUserCpuSeconds ?? double.NaN);
        }

        double clientCpu = ((cpu1 - cpu0) - (server1 - server0)) / 1e9;
        return new Segment(r.Requests, Stopwatch.GetElapsedTime(start, end).TotalSeconds, clientCpu, (cpu1 - cpu0) / 1e9, alloc1 - alloc0, HasAllocation: true, jit);
    }

    private static List<ClientSummary> Summarise(List<LoopbackClient> clients, Dictionary<string, List<Segment>> segments, int reps)
    {
        List<Segment> floor = segments[FloorName];
        segments.TryGetValue(HttpClientAsyncName, out List<Segment>? httpClient);
        segments.TryGetValue(HttpClientSyncName, out List<Segment>? httpClientSync);
        segments.TryGetValue(RawAsyncName, out List<Segment>? rawAsync);
        var rows = new List<ClientSummary>();
        foreach (LoopbackClient c in clients)
        {
            List<Segment> s = segments[c.Name];
            double[] vsFloor = Enumerable.Range(0, reps).Select(i => s[i].Rate / floor[i].Rate).ToArray();
            // CPython (in-process harness: a subprocess per segment) counts as synchronous; so does each sync client process.
            List<Segment>? sameModeFloor = c.IsSynchronous ? floor : rawAsync;
            double? vsSameMode = sameModeFloor is null ? null : Median(Enumerable.Range(0, reps).Select(i => s[i].Rate / sameModeFloor[i].Rate));
            double? vsHttp = httpClient is null ? null : Median(Enumerable.Range(0, reps).Select(i => s[i].Rate / httpClient[i].Rate));
            List<Segment>? sameModeHttpClient = c.IsSynchronous ? httpClientSync : httpClient;
            double? vsSameModeHttp = sameModeHttpClient is null ? null : Median(Enumerable.Range(0, reps).Select(i => s[i].Rate / sameModeHttpClient[i].Rate));
            rows.Add(new ClientSummary(
                c.Name,
                Median(s.Select(x => x.Rate)),
                Median(vsFloor),
                vsFloor.Min(),
                vsFloor.Max(),
                vsSameMode,
                vsHttp,
                vsSameModeHttp,
                Median(Enumerable.Range(0, reps).Select(i => (floor[i].TotalCpuSeconds / floor[i].Requests) / (s[i].TotalCpuSeconds / s[i].Requests))),
                Median(s.Select(x => x.ClientCpuSeconds / x.Requests * 1e6)),
                Median(Enumerable.Range(0, reps).Select(i => (s[i].ClientCpuSeconds / s[i].Requests) / (floor[i].ClientCpuSeconds / floor[i].Requests))),
                Median(s.Select(x => (x.TotalCpuSeconds - x.ClientCpuSeconds) / x.Requests * 1e6)),
                s[0].HasAllocation ? Median(s.Select(x => (double)x.AllocatedBytes / x.Requests)) : null,
                s.Sum(x => x.JitSeconds) * 1e3,
                Median(s.Select(x => x.UserCpuSeconds / x.Requests * 1e6))));
        }

        return rows;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = values.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        if (v.Length == 0)
        {
            return double.NaN;
        }

        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string DetailTable(List<ClientSummary> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| client | requests/s | vs floor (min-max) | vs same-mode raw socket | vs HttpClient async | vs same-mode HttpClient | CPU-cost ratio to floor | client CPU us/request (x floor's) | of which user mode | server CPU us/request | bytes allocated/request | JIT ms in timed segments |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ClientSummary r in rows)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Rate:N0} | {r.VsFloor:0.00}x ({r.VsFloorMin:0.00}-{r.VsFloorMax:0.00}) | {Ratio(r.VsSameModeFloor)} | {(r.VsHttpClient is double h ? h.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-")} | {Ratio(r.VsSameModeHttpClient)} | {r.CpuVsFloor:0.00}x | {r.CpuMicrosPerRequest:0.0} ({r.ClientCpuVsFloor:0.00}x) | {(double.IsNaN(r.UserCpuMicrosPerRequest) ? "-" : r.UserCpuMicrosPerRequest.ToString("0.0", CultureInfo.InvariantCulture))} | {r.ServerCpuMicrosPerRequest:0.0} | {(r.BytesPerRequest is double b ? b.ToString("N0", CultureInfo.InvariantCulture) : "n/a")} | {r.JitMillis:0.0} |");
        }

        return sb.ToString();
    }

    private static string SummaryTable(List<(Workload Workload, List<ClientSummary> Rows)> results)
    {
        List<string> names = results.SelectMany(r => r.Rows.Select(x => x.Name)).Distinct().ToList();
        var sb = new StringBuilder();
        sb.Append("| workload |");
        foreach (string n in names)
        {
            sb.Append(' ').Append(n).Append(" |");
        }

        sb.AppendLine();
        sb.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", names.Count))).AppendLine();
        foreach ((Workload w, List<ClientSummary> rows) in results)
        {
            sb.Append("| ").Append(w.Name).Append(" (").Append(w.Description).Append(") |");
            foreach (string n in names)
            {
                ClientSummary? r = rows.FirstOrDefault(x => x.Name == n);
                string cell = r is null ? "-"
                    : r.Name == FloorName ? string.Create(CultureInfo.InvariantCulture, $"1.00 ({r.Rate:N0}/s; client {r.CpuMicrosPerRequest:0.0} us, server {r.ServerCpuMicrosPerRequest:0.0} us)")
                    : string.Create(CultureInfo.InvariantCulture, $"{r.VsFloor:0.00}x (CPU {r.CpuVsFloor:0.00}x; client {r.CpuMicrosPerRequest:0.0} us = {r.ClientCpuVsFloor:0.00}x floor's)") + (r.BytesPerRequest is double b ? string.Create(CultureInfo.InvariantCulture, $", {FormatBytes(b)}") : "");
                sb.Append(' ').Append(cell).Append(" |");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    private static string Ratio(double? r) => r is double v ? v.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";

    private static string FormatBytes(double b) => b >= 1024 ? string.Create(CultureInfo.InvariantCulture, $"{b / 1024:0.0} KB") : string.Create(CultureInfo.InvariantCulture, $"{b:0} B");

    public static string MachineDescription()
    {
        string cpu = "unknown CPU";
        try
        {
            foreach (string line in System.IO.File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    cpu = line[(line.IndexOf(':') + 1)..].Trim();
                    break;
                }
            }
        }
        catch (System.IO.IOException)
        {
        }

        return $"machine: {Environment.ProcessorCount} cores ({cpu}), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, loopback 127.0.0.1";
    }
}
