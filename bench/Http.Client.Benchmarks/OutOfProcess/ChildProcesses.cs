using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Http.Client.Benchmarks.OutOfProcess;

/// <summary>Starting helper programs (gcc, python3) with a bound on how long they may take.</summary>
internal static class ChildProcesses
{
    /// <summary>True when <paramref name="file"/> starts and exits with 0 within 10 s.</summary>
    public static bool CanRun(string file, params string[] args)
    {
        try
        {
            RunToEnd(file, args, TimeSpan.FromSeconds(10));
            return true;
        }
        catch (Win32Exception)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Runs a program to its end; throws with its error output if it fails or outlives <paramref name="limit"/> (then it is killed by PID).</summary>
    public static string RunToEnd(string file, IEnumerable<string> args, TimeSpan limit)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} did not finish within {limit.TotalSeconds} s");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {stderr.GetAwaiter().GetResult()}");
        }

        return stdout.GetAwaiter().GetResult();
    }
}
