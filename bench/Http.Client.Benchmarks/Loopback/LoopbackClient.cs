using System;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>What one client did in one timed segment.</summary>
/// <param name="Requests">Completed requests (each with its body read fully and checked for length).</param>
/// <param name="ExternalSeconds">Set by an out-of-process client that timed itself (CPython).</param>
/// <param name="ExternalCpuSeconds">That client's own CPU time, when it reports it.</param>
/// <param name="ExternalAllocatedBytes">Bytes that client's process allocated on the managed heap, when it reports them.</param>
/// <param name="ExternalJitSeconds">Time that client's process spent compiling methods (JIT, tiering) during the segment.</param>
/// <param name="ExternalUserCpuSeconds">The user-mode part of <paramref name="ExternalCpuSeconds"/>.</param>
internal readonly record struct SegmentResult(long Requests, double? ExternalSeconds = null, double? ExternalCpuSeconds = null, long? ExternalAllocatedBytes = null, double? ExternalJitSeconds = null, double? ExternalUserCpuSeconds = null);

/// <summary>
/// One client of the loopback harness: it owns one keep-alive connection to the canned server and sends
/// sequential GETs, reading each body fully, until the deadline or the request cap.
/// </summary>
internal abstract class LoopbackClient : IDisposable
{
    /// <summary>
    /// Caller-side read buffer, reused for every read of every request, the same size for every client and the floor.
    /// 1 MiB lets a large body arrive in as few receives as the kernel allows: with 64 KiB receives, the blocking
    /// floor itself fell into a wake-up ping-pong with the server on one CPU and ran slower than the clients it bounds.
    /// </summary>
    public const int ReadBufferSize = 1024 * 1024;

    protected LoopbackClient(string name) => Name = name;

    public string Name { get; }

    /// <summary>True when the work happens in another process (its allocations and CPU are not ours to measure).</summary>
    public virtual bool IsExternal => false;

    /// <summary>True when the harness runs it untimed before the first rep (JIT, tiering, pools); false for a client that starts cold every segment anyway.</summary>
    public virtual bool WarmsUp => !IsExternal;

    /// <summary>True when every request runs on the calling thread (sync paths).</summary>
    public virtual bool IsSynchronous => true;

    public abstract void Open(int port, Workload workload);

    public abstract ValueTask<SegmentResult> RunAsync(long deadlineTimestamp, long maxRequests);

    public virtual void Dispose()
    {
    }

    protected static bool TimeLeft(long deadlineTimestamp) => Stopwatch.GetTimestamp() < deadlineTimestamp;

    protected static void CheckBody(long read, Workload workload)
    {
        if (read != workload.BodyLength)
        {
            throw new InvalidOperationException($"read {read} body bytes, expected {workload.BodyLength}");
        }
    }
}
