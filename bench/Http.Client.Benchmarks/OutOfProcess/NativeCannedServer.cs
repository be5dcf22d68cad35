using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.OutOfProcess;

/// <summary>
/// The out-of-process server: canned_server.c (a single-threaded epoll server), compiled with gcc on first use into a
/// temporary directory keyed by the source's hash, started as its own process serving one workload's response, and
/// stopped by its PID. Its CPU time comes from /proc/PID/schedstat (ns).
/// </summary>
internal sealed class NativeCannedServer : IBenchServer
{
    /// <summary>The server exits by itself after this long even if nobody stops it (the harness bounds a run far lower).</summary>
    private const int MaxLifetimeSeconds = 3600;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process process;
    private readonly string responseFile;

    public NativeCannedServer(byte[] response, int cpu)
    {
        string binary = Compile();
        responseFile = Path.Combine(Path.GetTempPath(), $"http-client-bench-response-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(responseFile, response);
        var psi = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(responseFile);
        psi.ArgumentList.Add(cpu.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(MaxLifetimeSeconds.ToString(CultureInfo.InvariantCulture));
        process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start canned_server");
        string? line = process.StandardOutput.ReadLineAsync().WaitAsync(StartTimeout).GetAwaiter().GetResult();
        if (line is null || !line.StartsWith("port ", StringComparison.Ordinal))
        {
            string error = process.StandardError.ReadToEnd();
            Dispose();
            throw new InvalidOperationException("canned_server did not start: " + line + " " + error);
        }

        Port = int.Parse(line.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public int Port { get; }

    public int ProcessId => process.Id;

    public long ServerCpuNanos()
    {
        // Single-threaded: the process's main thread is all of it.
        string text = File.ReadAllText($"/proc/{process.Id}/schedstat");
        int space = text.IndexOf(' ');
        return long.Parse(space < 0 ? text : text[..space], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    public IReadOnlyCollection<int> ThreadIds() => [];

    /// <summary>
    /// "oop-server" mode: the native server alone, for profiling one client process by hand: prints "port N", then
    /// serves until this program's standard input ends (or the server's own lifetime bound).
    /// </summary>
    public static int Serve(string[] args)
    {
        if (args.Length is < 1 or > 2)
        {
            throw new ArgumentException("oop-server takes WORKLOAD [CPU]");
        }

        int cpu = args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : -1;
        using var server = new NativeCannedServer(Workload.Get(args[0]).Response, cpu);
        Console.WriteLine($"port {server.Port}");
        for (int i = 0; i < MaxLifetimeSeconds && Console.ReadLine() is not null; i++)
        {
        }

        return 0;
    }

    /// <summary>Whether gcc is on PATH (the out-of-process setting needs it).</summary>
    public static bool CompilerAvailable() => ChildProcesses.CanRun("gcc", "--version");

    /// <summary>Compiles canned_server.c once per source version; returns the binary's path.</summary>
    private static string Compile()
    {
        string source = Path.Combine(AppContext.BaseDirectory, "canned_server.c");
        string hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(source)))[..16].ToLowerInvariant();
        string dir = Path.Combine(Path.GetTempPath(), "http-client-bench-" + hash);
        string binary = Path.Combine(dir, "canned_server");
        if (File.Exists(binary))
        {
            return binary;
        }

        Directory.CreateDirectory(dir);
        string partial = binary + "." + Environment.ProcessId + ".tmp";
        ChildProcesses.RunToEnd("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", partial, source], TimeSpan.FromSeconds(120));
        File.Move(partial, binary, overwrite: true);
        return binary;
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                // Closing stdin asks it to exit; the PID-targeted kill is the fallback if it does not within 5 s.
                process.StandardInput.Close();
                if (!process.WaitForExit(5_000))
                {
                    process.Kill();
                    process.WaitForExit(5_000);
                }
            }
        }
        finally
        {
            process.Dispose();
            File.Delete(responseFile);
        }
    }
}
