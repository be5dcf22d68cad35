using System;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>CPU time readings on Linux: the whole process (getrusage) and one thread (/proc schedstat, ns).</summary>
internal static class CpuTime
{
    private const int RusageSelf = 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long Fields0, Fields1, Fields2, Fields3, Fields4, Fields5, Fields6;
        public long Fields7, Fields8, Fields9, Fields10, Fields11, Fields12, Fields13;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out Rusage usage);

    [DllImport("libc")]
    private static extern int gettid();

    [DllImport("libc", SetLastError = true)]
    private static extern int sched_setaffinity(int pid, nint cpusetsize, ref ulong mask);

    /// <summary>Pins one thread of this process (Linux tid) to the CPUs in <paramref name="mask"/>; false if refused.</summary>
    public static bool Pin(int tid, ulong mask) => IsSupported && sched_setaffinity(tid, sizeof(ulong), ref mask) == 0;

    /// <summary>
    /// Pins every thread of this process to <paramref name="mask"/>, except <paramref name="exclude"/> (the server's),
    /// so the client side and the canned server run on different CPUs and do not trade places between segments.
    /// </summary>
    public static void PinAllThreadsExcept(ulong mask, IReadOnlyCollection<int> exclude)
    {
        if (!IsSupported)
        {
            return;
        }

        foreach (string dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int tid) && !exclude.Contains(tid))
            {
                Pin(tid, mask);
            }
        }
    }

    public static bool IsSupported { get; } = OperatingSystem.IsLinux();

    /// <summary>User plus system CPU time of this process, in nanoseconds (every thread, the server's included).</summary>
    public static long ProcessCpuNanos()
    {
        if (IsSupported && getrusage(RusageSelf, out Rusage u) == 0)
        {
            return ((u.UserSeconds + u.SystemSeconds) * 1_000_000 + u.UserMicroseconds + u.SystemMicroseconds) * 1000;
        }

        return (long)(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds * 1_000_000);
    }

    /// <summary>User-mode CPU time of this process, in nanoseconds (the kernel splits user from system time by sampling ticks: statistical).</summary>
    public static long ProcessUserCpuNanos() =>
        IsSupported && getrusage(RusageSelf, out Rusage u) == 0 ? (u.UserSeconds * 1_000_000 + u.UserMicroseconds) * 1000 : 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private const int ClockThreadCpuTimeId = 3;

    [DllImport("libc")]
    private static extern int clock_gettime(int clock, out Timespec time);

    /// <summary>CPU time of the calling thread in nanoseconds (CLOCK_THREAD_CPUTIME_ID): time it was preempted does not count.</summary>
    public static long CurrentThreadCpuNanos() =>
        IsSupported && clock_gettime(ClockThreadCpuTimeId, out Timespec t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : 0;

    public static int CurrentThreadId() => IsSupported ? gettid() : 0;

    /// <summary>CPU time of one thread of this process in ns (first field of /proc/self/task/TID/schedstat); 0 if unknown.</summary>
    public static long ThreadCpuNanos(int tid)
    {
        if (!IsSupported || tid == 0)
        {
            return 0;
        }

        try
        {
            string text = File.ReadAllText($"/proc/self/task/{tid}/schedstat");
            int space = text.IndexOf(' ');
            return long.Parse(space < 0 ? text : text[..space], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
