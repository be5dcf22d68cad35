using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>
/// A tiny, fast HTTP/1.1 server for the loopback harness (not the code under test): one dedicated thread per
/// connection on blocking sockets; for every request head (ends at CRLF CRLF; GET only, no request body) it writes
/// the workload's pre-encoded response in one send. It allocates nothing per request, so the clients' allocation
/// figures are theirs alone.
/// </summary>
internal sealed class CannedServer : IBenchServer
{
    /// <summary>Receive buffer per connection: far above any request head the clients send.</summary>
    private const int ReceiveBufferSize = 64 * 1024;

    /// <summary>A socket operation that stalls this long is a bug; fail instead of hanging the harness.</summary>
    private static readonly TimeSpan SocketTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket listener;
    private readonly Thread acceptThread;
    private readonly List<Thread> connectionThreads = [];
    private readonly List<Socket> connections = [];
    private readonly object gate = new();
    private volatile byte[] response;
    private long serverCpuNanosOfClosedThreads;
    private readonly List<int> threadIds = [];
    private volatile bool disposed;
    private readonly ulong serverCpuMask;

    /// <summary>Linux thread ids of the live connection threads (to keep them off the client's CPU when pinning).</summary>
    public IReadOnlyCollection<int> ThreadIds()
    {
        lock (gate)
        {
            return threadIds.ToArray();
        }
    }

    public CannedServer(byte[] response, ulong serverCpuMask = 0)
    {
        this.serverCpuMask = serverCpuMask;
        this.response = response;
        listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "canned-accept" };
        acceptThread.Start();
    }

    public int Port { get; }

    /// <summary>The response written per request; switching it between workloads is safe between segments.</summary>
    public byte[] Response
    {
        get => response;
        set => response = value;
    }

    /// <summary>CPU time used so far by the connection threads (ns, from /proc schedstat), to subtract from the process's.</summary>
    public long ServerCpuNanos()
    {
        long total = Interlocked.Read(ref serverCpuNanosOfClosedThreads);
        lock (gate)
        {
            foreach (int tid in threadIds)
            {
                total += CpuTime.ThreadCpuNanos(tid);
            }
        }

        return total;
    }

    private void AcceptLoop()
    {
        while (!disposed)
        {
            Socket socket;
            try
            {
                socket = listener.Accept();
            }
            catch (SocketException) when (disposed)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            socket.ReceiveTimeout = (int)SocketTimeout.TotalMilliseconds;
            socket.SendTimeout = (int)SocketTimeout.TotalMilliseconds;
            var thread = new Thread(() => Serve(socket)) { IsBackground = true, Name = "canned-conn" };
            lock (gate)
            {
                connections.Add(socket);
                connectionThreads.Add(thread);
            }

            thread.Start();
        }
    }

    private void Serve(Socket socket)
    {
        int tid = CpuTime.CurrentThreadId();
        if (serverCpuMask != 0)
        {
            CpuTime.Pin(tid, serverCpuMask);
        }

        lock (gate)
        {
            threadIds.Add(tid);
        }

        byte[] buffer = new byte[ReceiveBufferSize];
        int filled = 0;
        try
        {
            while (true)
            {
                int n = socket.Receive(buffer.AsSpan(filled));
                if (n == 0)
                {
                    return;
                }

                filled += n;
                int consumed = 0;
                while (true)
                {
                    int end = buffer.AsSpan(consumed, filled - consumed).IndexOf("\r\n\r\n"u8);
                    if (end < 0)
                    {
                        break;
                    }

                    consumed += end + 4;
                    SendAll(socket, response);
                }

                if (consumed > 0)
                {
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                }

                if (filled == buffer.Length)
                {
                    return; // a request head larger than 64 KiB: not a client of this harness
                }
            }
        }
        catch (SocketException)
        {
            // The client closed or reset the connection: normal at the end of a run.
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            lock (gate)
            {
                Interlocked.Add(ref serverCpuNanosOfClosedThreads, CpuTime.ThreadCpuNanos(tid));
                threadIds.Remove(tid);
            }

            socket.Dispose();
        }
    }

    private static void SendAll(Socket socket, byte[] data)
    {
        int sent = 0;
        while (sent < data.Length)
        {
            sent += socket.Send(data.AsSpan(sent));
        }
    }

    public void Dispose()
    {
        disposed = true;
        listener.Dispose();
        lock (gate)
        {
            foreach (Socket s in connections)
            {
                try
                {
                    s.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException)
                {
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }
    }
}
