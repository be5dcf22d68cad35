using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Tests.Runtime
{
    /// <summary>
    /// A tiny loopback HTTP server for the runtime's own tests: it accepts connections on 127.0.0.1 and answers each
    /// request head (plus a Content-Length body) with the next canned response. Every socket operation has a timeout.
    /// </summary>
    internal sealed class RuntimeLoopback : IDisposable
    {
        public static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(20);

        private readonly TcpListener _listener;
        private readonly Func<int, string, byte[]?> _respond;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Task _acceptLoop;
        private int _connections;

        /// <param name="respond">(connection index, request head) → response bytes; null closes the connection.</param>
        public RuntimeLoopback(Func<int, string, byte[]?> respond)
        {
            _respond = respond;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _acceptLoop = Task.Run(AcceptLoop);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public ConcurrentQueue<string> Requests { get; } = new ConcurrentQueue<string>();

        public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

        public HttpConnection Connect(TimeSpan? timeout = null) => new HttpConnection("127.0.0.1", Port, timeout ?? IoTimeout);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                _acceptLoop.Wait(IoTimeout);
            }
            catch (AggregateException)
            {
            }
        }

        private async Task AcceptLoop()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException || e is SocketException || e is ObjectDisposedException)
                {
                    return;
                }
                int index = Interlocked.Increment(ref _connections) - 1;
                _ = Task.Run(() => Serve(socket, index));
            }
        }

        private async Task Serve(Socket socket, int index)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            cts.CancelAfter(TimeSpan.FromSeconds(60));
            using var stream = new NetworkStream(socket, ownsSocket: true);
            var received = new List<byte>();
            var buffer = new byte[8192];
            try
            {
                for (int requests = 0; requests < 1000; requests++)
                {
                    string? head = await ReadHead(stream, received, buffer, cts.Token);
                    if (head is null)
                    {
                        return;
                    }
                    Requests.Enqueue(head);
                    byte[]? response = _respond(index, head);
                    if (response is null)
                    {
                        return;
                    }
                    await stream.WriteAsync(response, cts.Token);
                }
            }
            catch (Exception e) when (e is IOException || e is OperationCanceledException || e is SocketException)
            {
            }
        }

        private static async Task<string?> ReadHead(Stream stream, List<byte> received, byte[] buffer, CancellationToken token)
        {
            while (true)
            {
                int end = IndexOfHeadEnd(received);
                if (end >= 0)
                {
                    string head = Encoding.Latin1.GetString(received.GetRange(0, end).ToArray());
                    received.RemoveRange(0, end);
                    int bodyLength = ContentLength(head);
                    while (received.Count < bodyLength)
                    {
                        int more = await stream.ReadAsync(buffer, token);
                        if (more == 0)
                        {
                            return null;
                        }
                        received.AddRange(new ArraySegment<byte>(buffer, 0, more));
                    }
                    string body = Encoding.Latin1.GetString(received.GetRange(0, bodyLength).ToArray());
                    received.RemoveRange(0, bodyLength);
                    return head + body;
                }
                int read = await stream.ReadAsync(buffer, token);
                if (read == 0)
                {
                    return null;
                }
                received.AddRange(new ArraySegment<byte>(buffer, 0, read));
            }
        }

        private static int IndexOfHeadEnd(List<byte> data)
        {
            for (int i = 3; i < data.Count; i++)
            {
                if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r')
                {
                    return i + 1;
                }
            }
            return -1;
        }

        private static int ContentLength(string head)
        {
            foreach (string line in head.Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    return int.Parse(line.Substring(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            return 0;
        }
    }
}
