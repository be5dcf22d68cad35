using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Hostile.Tests.Kit;
using Xunit;
using Xunit.Abstractions;

namespace Http.Client.Hostile.Tests;

/// <summary>
/// Tests that measure the whole process (memory, file descriptors, threads): xunit runs this collection alone,
/// after the parallel ones, so no other test's sockets or buffers show up in the counts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceCollection
{
    public const string Name = "Process-wide resource measurements";
}

/// <summary>
/// Resource bounds under load: a 1 GiB body streams in bounded memory, 10,000 connections that end every way leave no
/// descriptor behind, and 64 threads with a connection each get their own responses.
/// </summary>
[Collection(ResourceCollection.Name)]
public class ResourceTests(ITestOutputHelper output)
{
    private const long OneGiB = 1L << 30;
    private const long MemoryBound = 64L << 20;

    /// <summary>Safety bound on any whole test here (the work itself takes seconds).</summary>
    private static readonly TimeSpan RunBound = TimeSpan.FromMinutes(2);

    /// <summary>The byte at <paramref name="position"/> of the generated body (a prime period, so shifts show).</summary>
    private static byte BodyByte(long position) => (byte)(position % 251);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_1_GiB_body_generated_on_the_fly_streams_in_bounded_memory(bool async, bool chunked)
    {
        using var server = HostileServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            await connection.SendAsync(chunked
                ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                : $"HTTP/1.1 200 OK\r\nContent-Length: {OneGiB}\r\n\r\n");
            const int piece = 64 * 1024;
            // The pattern repeats every 251 bytes: a piece starting anywhere is a slice of one precomputed buffer.
            byte[] pattern = Enumerable.Range(0, piece + 251).Select(i => BodyByte(i)).ToArray();
            byte[] chunkHead = Encoding.ASCII.GetBytes($"{piece:x}\r\n");
            for (long sent = 0; sent < OneGiB; sent += piece)
            {
                ReadOnlyMemory<byte> data = pattern.AsMemory((int)(sent % 251), piece);
                if (chunked)
                {
                    await connection.SendAsync(chunkHead);
                }
                await connection.SendAsync(data);
                if (chunked)
                {
                    await connection.SendAsync("\r\n"u8.ToArray());
                }
            }
            if (chunked)
            {
                await connection.SendAsync("0\r\n\r\n");
            }
            await connection.WaitForClientCloseAsync(HostileServer.Patience);
        });
        using HttpConnection conn = server.Connect(HostileServer.Patience);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetBefore = Environment.WorkingSet;
        long workingSetPeak = workingSetBefore, heapPeak = heapBefore;
        var clock = Stopwatch.StartNew();

        using HttpResponse response = await ClientSteps.GetResponseAsync(conn, async);
        byte[] buffer = new byte[64 * 1024];
        long received = 0;
        for (int reads = 0; ; reads++)
        {
            int n = async ? await response.ReadAsync(buffer.AsMemory()) : response.Read(buffer.AsSpan());
            if (n == 0)
            {
                break;
            }
            // Spot checks keep the client cheap: the first and last byte of every read sit where they belong.
            Assert.Equal(BodyByte(received), buffer[0]);
            Assert.Equal(BodyByte(received + n - 1), buffer[n - 1]);
            received += n;
            if (reads % 1024 == 0)
            {
                workingSetPeak = Math.Max(workingSetPeak, Environment.WorkingSet);
                heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(forceFullCollection: false));
                Assert.True(clock.Elapsed < RunBound, $"{received} bytes after {clock.Elapsed}");
            }
        }
        workingSetPeak = Math.Max(workingSetPeak, Environment.WorkingSet);
        heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(forceFullCollection: false));
        output.WriteLine($"1 GiB ({(chunked ? "chunked" : "Content-Length")}, {(async ? "async" : "sync")}) in {clock.Elapsed.TotalSeconds:F2} s; " +
            $"heap growth peak {(heapPeak - heapBefore) >> 10} KiB, working set growth peak {(workingSetPeak - workingSetBefore) >> 10} KiB");

        Assert.Equal(OneGiB, received);
        Assert.True(response.IsClosed || !response.WillClose);
        Assert.InRange(heapPeak - heapBefore, long.MinValue, MemoryBound);
        Assert.InRange(workingSetPeak - workingSetBefore, long.MinValue, MemoryBound);
    }

    /// <summary>
    /// Open descriptors of this process. The count before is taken after a warm-up of every path, because the runtime
    /// opens some handles once, lazily (the socket engine's epoll descriptor and its wake-up pipe, thread-pool and
    /// timer handles); <see cref="DescriptorSlack"/> leaves room for such a one-off handle opened by a runtime thread
    /// during the run, far below the thousands a per-connection leak would show.
    /// </summary>
    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    private const int DescriptorSlack = 8;

    [Fact]
    public async Task Ten_thousand_connections_closed_reset_or_served_leave_no_descriptor_behind()
    {
        const int Cycles = 10_000;
        // Warm up every path (closed, reset, served; sync and async) with its own server, then count.
        await RunCycles(60);
        long before = OpenDescriptors();
        var clock = Stopwatch.StartNew();
        (int closed, int reset, int served) = await RunCycles(Cycles);
        long after = OpenDescriptors();
        output.WriteLine($"{Cycles} cycles in {clock.Elapsed.TotalSeconds:F2} s: {served} served, {closed} RemoteDisconnected, " +
            $"{reset} other IOException; descriptors {before} before, {after} after");

        Assert.Equal(Cycles, closed + reset + served);
        Assert.InRange(served, Cycles / 3 - 1, Cycles / 3 + 1);
        Assert.InRange(after, 0, before + DescriptorSlack);
    }

    /// <summary>
    /// Connects <paramref name="cycles"/> times, one request each, to a server that closes (index % 3 == 0), resets
    /// (1) or serves (2) its connections, alternating sync and async; disposes the server (all its sockets) before
    /// returning.
    /// </summary>
    private static async Task<(int Closed, int Reset, int Served)> RunCycles(int cycles)
    {
        int closed = 0, reset = 0, served = 0;
        using (var server = HostileServer.Start(async connection =>
        {
            await connection.ReadRequestAsync();
            switch (connection.Index % 3)
            {
                case 0:
                    connection.Close();
                    break;
                case 1:
                    connection.Reset();
                    break;
                default:
                    await connection.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    await connection.WaitForClientCloseAsync(HostileServer.Patience);
                    break;
            }
        }))
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < cycles; i++)
            {
                using HttpConnection conn = server.Connect(HostileServer.Patience);
                try
                {
                    Assert.Equal((200, "ok"), await ClientSteps.FetchAsync(conn, async: i % 2 == 1));
                    served++;
                }
                catch (RemoteDisconnectedException)
                {
                    closed++;
                }
                catch (IOException)
                {
                    reset++;
                }
                Assert.True(clock.Elapsed < RunBound, $"{i} cycles after {clock.Elapsed}");
            }
            // Every server-side socket is closed by its handler; wait until the last handler is done.
            SpinWait.SpinUntil(() => server.Accepted == cycles, HostileServer.Patience);
        }
        return (closed, reset, served);
    }

    [Fact]
    public void Sixty_four_threads_with_a_connection_each_get_their_own_responses()
    {
        const int Threads = 64, Requests = 200;
        using var server = HostileServer.Start(async connection =>
        {
            while (await connection.ReadRequestAsync() is WireRequest request)
            {
                // The body names the thread and request the server saw: the request target.
                await connection.SendAsync($"HTTP/1.1 200 OK\r\nContent-Length: {request.Target.Length}\r\nX-Target: {request.Target}\r\n\r\n{request.Target}");
            }
        });
        var failures = new ConcurrentQueue<string>();
        int completed = 0;
        var start = new Barrier(Threads);
        var clock = Stopwatch.StartNew();
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                using HttpConnection conn = server.Connect(HostileServer.Patience);
                start.SignalAndWait(HostileServer.Patience);
                for (int r = 0; r < Requests; r++)
                {
                    string target = $"/thread/{t}/request/{r}";
                    // Even threads use the sync API, odd ones the async twin (blocking this dedicated thread).
                    (int status, string body) = ClientSteps.FetchAsync(conn, async: t % 2 == 1, target).GetAwaiter().GetResult();
                    if (status != 200 || body != target)
                    {
                        failures.Enqueue($"thread {t} request {r}: {status} '{body}'");
                        return;
                    }
                    Interlocked.Increment(ref completed);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue($"thread {t}: {e}");
            }
        }) { IsBackground = true, Name = $"client {t}" }).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(RunBound), $"{thread.Name} did not finish in {RunBound}");
        }
        output.WriteLine($"{Threads} x {Requests} requests in {clock.Elapsed.TotalSeconds:F2} s on {server.Accepted} connections");

        Assert.Empty(failures);
        Assert.Equal(Threads * Requests, completed);
        Assert.Equal(Threads, server.Accepted);
        server.AssertHandlersSucceeded();
    }
}
