using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.OutOfProcess;

/// <summary>
/// The harness's handle on a client that runs in its own process (a .NET client in "oop-client" mode, or CPython in
/// cpython_client.py --serve): it starts the process once, then sends "open" before and "run" for each segment, and
/// reads back what the process measured about itself. The process is stopped by its PID on Dispose.
/// </summary>
internal sealed class ChildProcessClient : LoopbackClient
{
    /// <summary>How long past a segment's own duration an answer may take before the child counts as hung.</summary>
    private static readonly TimeSpan AnswerAllowance = TimeSpan.FromSeconds(30);

    private readonly Func<int, Workload, ProcessStartInfo> startInfo;
    private readonly bool synchronous;
    private Process? process;

    private ChildProcessClient(string name, bool synchronous, Func<int, Workload, ProcessStartInfo> startInfo)
        : base(name)
    {
        this.synchronous = synchronous;
        this.startInfo = startInfo;
    }

    public override bool IsExternal => true;

    public override bool WarmsUp => true;

    public override bool IsSynchronous => synchronous;

    /// <summary>
    /// A .NET client of <see cref="ClientProcess.Clients"/> in its own process, its threads pinned to <paramref name="cpuMask"/>;
    /// with <paramref name="baselineBuild"/>, the benchmark program of that directory (another commit's build, for A/B in one run).
    /// </summary>
    public static ChildProcessClient DotNet(string key, ulong cpuMask, string? baselineBuild = null)
    {
        (string _, Func<LoopbackClient> create) = ClientProcess.Clients[IndexOf(key)];
        using LoopbackClient prototype = create(); // only for its name and mode: constructors open nothing
        return new ChildProcessClient(prototype.Name + (baselineBuild is null ? "" : " (baseline)"), prototype.IsSynchronous, (port, workload) =>
        {
            var psi = baselineBuild is null ? SelfStartInfo() : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(baselineBuild, "Http.Client.Benchmarks.dll") } };

            // Tiering waits 100 ms after the last new tier-0 method before counting calls, times 10 in a process that
            // sees one CPU (as a pinned one does): seconds of tier-1 compiling inside timed segments. Starting the call
            // counting at once only brings the steady state (the same tier-1 code) sooner; the warm-up then waits for it.
            psi.Environment["DOTNET_TC_CallCountingDelayMs"] = "0";
            foreach (string a in new[] { "oop-client", key, port.ToString(CultureInfo.InvariantCulture), workload.Name, cpuMask.ToString(CultureInfo.InvariantCulture) })
            {
                psi.ArgumentList.Add(a);
            }

            return psi;
        });
    }

    /// <summary>CPython http.client in cpython_client.py --serve, pinned to <paramref name="cpu"/> (-1: not pinned).</summary>
    public static ChildProcessClient CPython(int cpu) => new("CPython http.client", true, (port, workload) =>
    {
        var psi = new ProcessStartInfo("python3");
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "cpython_client.py"), "--serve", port.ToString(CultureInfo.InvariantCulture), workload.BodyLength.ToString(CultureInfo.InvariantCulture), cpu.ToString(CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    });

    private static int IndexOf(string key)
    {
        for (int i = 0; i < ClientProcess.Clients.Count; i++)
        {
            if (ClientProcess.Clients[i].Key == key)
            {
                return i;
            }
        }

        throw new ArgumentException($"unknown client {key}");
    }

    /// <summary>This benchmark program again: the apphost when run as one, else dotnet with this assembly.</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        string host = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            var psi = new ProcessStartInfo(host);
            psi.ArgumentList.Add(typeof(ClientProcess).Assembly.Location);
            return psi;
        }

        return new ProcessStartInfo(host);
    }

    public override void Open(int port, Workload workload)
    {
        if (process is not null)
        {
            return;
        }

        ProcessStartInfo psi = startInfo(port, workload);
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = false; // a failing child's message goes straight to the console
        process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Name}");
    }

    /// <summary>A fresh connection in the child, warmed up by a few untimed requests, before each segment.</summary>
    public void Reconnect()
    {
        string answer = Ask("open", TimeSpan.Zero);
        if (answer != "ok")
        {
            throw new InvalidOperationException($"{Name}: {answer}");
        }
    }

    public override ValueTask<SegmentResult> RunAsync(long deadlineTimestamp, long maxRequests)
    {
        TimeSpan duration = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadlineTimestamp);
        double seconds = Math.Max(0.01, duration.TotalSeconds);
        string answer = Ask(string.Create(CultureInfo.InvariantCulture, $"run {seconds:R} {maxRequests}"), duration);
        using JsonDocument json = JsonDocument.Parse(answer);
        JsonElement root = json.RootElement;
        return new ValueTask<SegmentResult>(new SegmentResult(
            root.GetProperty("requests").GetInt64(),
            root.GetProperty("seconds").GetDouble(),
            root.GetProperty("cpu").GetDouble(),
            root.TryGetProperty("allocated", out JsonElement allocated) ? allocated.GetInt64() : null,
            root.TryGetProperty("jit", out JsonElement jit) ? jit.GetDouble() : null,
            root.TryGetProperty("user", out JsonElement user) ? user.GetDouble() : null));
    }

    /// <summary>
    /// Runs the client untimed until the JIT in its process has settled (tiered compilation done: nothing newly
    /// compiled for two 0.25 s rounds) or <paramref name="maxSeconds"/> passed; returns a line for the log.
    /// A fresh process otherwise spends its first seconds recompiling hot methods at tier 1, on the CPU it is timed on.
    /// </summary>
    public string WarmUp(double maxSeconds)
    {
        using JsonDocument json = JsonDocument.Parse(Ask(string.Create(CultureInfo.InvariantCulture, $"warmup {maxSeconds:R}"), TimeSpan.FromSeconds(maxSeconds)));
        JsonElement root = json.RootElement;
        return string.Create(CultureInfo.InvariantCulture,
            $"warm-up {Name}: {root.GetProperty("seconds").GetDouble():0.0} s, {root.GetProperty("methods").GetInt64()} methods compiled{(root.GetProperty("settled").GetBoolean() ? "" : " (JIT not settled yet)")}");
    }

    private string Ask(string command, TimeSpan expected)
    {
        Process p = process ?? throw new InvalidOperationException($"{Name} is not started");
        p.StandardInput.WriteLine(command);
        p.StandardInput.Flush();
        long deadline = Stopwatch.GetTimestamp() + (long)((expected + AnswerAllowance).TotalSeconds * Stopwatch.Frequency);

        // Lines starting with '#' are the child's warm-up chatter; bounded in count and by the deadline.
        for (int i = 0; i < 1_000_000; i++)
        {
            Task<string?> line = p.StandardOutput.ReadLineAsync();
            TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || !line.Wait(left))
            {
                Stop();
                throw new TimeoutException($"{Name} did not answer '{command}'");
            }

            string answer = line.Result ?? throw new InvalidOperationException($"{Name} exited (code {(p.WaitForExit(5_000) ? p.ExitCode : -1)}) on '{command}'");
            if (!answer.StartsWith('#'))
            {
                return answer;
            }
        }

        throw new InvalidOperationException($"{Name}: no answer to '{command}'");
    }

    private void Stop()
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.Close(); // end of input: the child exits by itself
                if (!process.WaitForExit(10_000))
                {
                    process.Kill(); // this PID only
                    process.WaitForExit(5_000);
                }
            }
        }
        finally
        {
            process.Dispose();
            process = null;
        }
    }

    public override void Dispose() => Stop();
}
