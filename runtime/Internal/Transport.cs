using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;

namespace Http.Client.Internal
{
    /// <summary>
    /// One open transport (socket or user stream) with the connection's single pooled receive buffer. Responses read
    /// through it in turn, so bytes past the end of one response stay here for the next (docs/differences.md #6). Every blocking
    /// call honours the connection timeout (TimeoutException). Once closed, reads behave as end of stream.
    /// </summary>
    internal sealed class Transport
    {
        /// <summary>
        /// Receive buffer size for normal traffic; it grows only for a line longer than this (up to the line limit). Above
        /// 64 KiB so that a 64 KiB body with its head and framing arrives in one receive (docs/performance.md).
        /// </summary>
        public const int InitialBufferSize = 128 * 1024;

        /// <summary>
        /// Most bytes one read of a head asks for when the previous body was read straight into the caller's memory: the
        /// next large body then goes there too instead of being copied through the buffer (docs/performance.md).
        /// </summary>
        private const int HeadReadAfterDirectBody = 16 * 1024;

        private Stream _stream;
        private readonly TimeSpan? _timeout;
        private bool _syncBlocks; // sync calls block under the stream's own timeouts (Timeouts.TryApply)
        private TimeoutTimer _readTimer;
        private TimeoutTimer _writeTimer;
        private byte[] _buffer;
        private int _start;
        private int _end;
        private bool _eof;
        private bool _closed;
        private Task<int>? _pendingRead; // a read WaitForBytesAsync started that outlived its wait: the next read takes it over
        private long _headDeadline; // Stopwatch timestamp while a response head runs on one time budget; 0 otherwise
        private bool _directBody; // the last body had a read straight into the caller's memory (Receive, ReceiveAsync)

        public Transport(Stream stream, TimeSpan? timeout)
        {
            _stream = stream;
            _timeout = timeout;
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
            _syncBlocks = Timeouts.TryApply(stream, timeout);
        }

        /// <summary>
        /// Replaces the stream with one layered over it (TLS over the tunnel). The old stream now belongs to the new one.
        /// </summary>
        public void ReplaceStream(Stream layered)
        {
            if (_end != _start)
            {
                throw new IOException("Unexpected data received before the transport was wrapped.");
            }
            _stream = layered;
            _syncBlocks = Timeouts.TryApply(layered, _timeout);
        }

        public Stream Stream => _stream;

        /// <summary>True once a response head was read from this transport: a request sent now reuses a kept-alive transport.</summary>
        public bool Served { get; set; }

        /// <summary>Bytes received from the stream so far (a request that saw none of its response may be sent again).</summary>
        public long Received { get; private set; }

        /// <summary>The meter's record of this transport (null while nobody listens); stopped when the transport closes.</summary>
        public ConnectionTelemetry? Metrics { get; init; }

        public bool IsClosed => _closed;

        /// <summary>Bytes received and not yet consumed.</summary>
        public int Buffered => _end - _start;

        public ReadOnlySpan<byte> BufferedSpan => _buffer.AsSpan(_start, _end - _start);

        /// <summary>True once the stream ended or the transport closed: no more bytes will arrive.</summary>
        public bool AtEnd => _eof || _closed;

        public void Consume(int count)
        {
            _start += count;
            if (_start == _end)
            {
                _start = _end = 0;
            }
        }

        /// <summary>Closes the stream and returns the buffer. Idempotent; later reads report end of stream.</summary>
        public void Close()
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
            Metrics?.Stop();
            _start = _end = 0;
            byte[] buffer = _buffer;
            _buffer = Array.Empty<byte>();
            if (_pendingRead is { } pending)
            {
                // Nobody takes it over now: its failure (the disposed stream's) is observed here, and a read still
                // running may write into the buffer, which is then left to the GC instead of going back to the pool.
                _pendingRead = null;
                pending.ContinueWith(static read => _ = read.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                if (!pending.IsCompleted)
                {
                    buffer = Array.Empty<byte>();
                }
            }
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            try
            {
                _stream.Dispose();
            }
            catch (IOException)
            {
                // Closing a broken transport: nothing useful to report.
            }
        }

        /// <summary>
        /// The one read into the receive buffer: reads once from the stream after the buffered bytes (at most
        /// <paramref name="most"/>), first compacting a full buffer or growing it to hold at least <paramref name="capacity"/>
        /// bytes (the decoders ask for one maximal line). Returns the count read; 0 at the end of the stream (then
        /// <see cref="AtEnd"/> is true).
        /// </summary>
        public ValueTask<int> FillAsync(bool async, int capacity, CancellationToken cancellationToken, int most = int.MaxValue) =>
            ReadAsync(async, default, capacity, most, cancellationToken);

        /// <summary>
        /// Reads once from the stream straight into <paramref name="destination"/> (the buffer must be empty: a large body
        /// read goes from the kernel into the caller's memory). 0 at the end of the stream.
        /// </summary>
        public ValueTask<int> ReceiveAsync(bool async, Memory<byte> destination, CancellationToken cancellationToken) =>
            ReadAsync(async, destination, 0, 0, cancellationToken);

        /// <summary>
        /// Every async or pooled read from the stream, one async level (<see cref="FillAsync"/> when
        /// <paramref name="destination"/> is empty, else <see cref="ReceiveAsync"/>), under the read timeout.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> ReadAsync(bool async, Memory<byte> destination, int capacity, int most, CancellationToken cancellationToken)
        {
            bool direct = !destination.IsEmpty;
            if (_pendingRead is not null)
            {
                int taken = await FinishPendingReadAsync(async, cancellationToken).ConfigureAwait(false);
                return direct ? TakeBuffered(destination.Span) : taken;
            }
            if (_closed || _eof)
            {
                return 0;
            }
            if (!direct && _end == _buffer.Length)
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                else
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, _buffer.Length + 1));
                    Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = larger;
                }
            }
            Memory<byte> into = direct ? destination : _buffer.AsMemory(_end, Math.Min(_buffer.Length - _end, most));
            bool blocking = !async && _syncBlocks;
            TimeSpan? timeout = NextReadTimeout(blocking);
            int read;
            using (TimeoutScope scope = blocking ? TimeoutScope.Blocking : _readTimer.Start(timeout, cancellationToken))
            {
                try
                {
                    read = blocking ? _stream.Read(into.Span)
                        : async ? await _stream.ReadAsync(into, scope.Token).ConfigureAwait(false)
                        : _stream.ReadAsync(into, scope.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (Exception e) when (scope.Expired(e))
                {
                    throw Timeouts.Error(e);
                }
            }
            Received += read;
            _eof = read == 0;
            _directBody |= direct;
            _end += direct ? 0 : read;
            return read;
        }

        /// <summary>
        /// Waits up to <paramref name="wait"/> for bytes from the stream without consuming any (Expect: 100-continue):
        /// <see cref="TransportWait.Arrived"/> when a read brought bytes into the buffer, <see cref="TransportWait.Stopped"/>
        /// when none will come this way (end of stream, closed, a full buffer, or a failed read, which the next read throws),
        /// <see cref="TransportWait.Quiet"/> when the wait passed. Nothing runs on a pool thread: a sync wait on a plain
        /// socket polls it (then reads only what is there); otherwise one async read starts, and when it outlives the wait
        /// it keeps running and the next read takes it over (no byte lost, the connection timeout counted from then on).
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<TransportWait> WaitForBytesAsync(bool async, TimeSpan wait, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_pendingRead is null)
            {
                if (_closed || _eof || _end == _buffer.Length)
                {
                    return TransportWait.Stopped;
                }
                if (!async && _stream is NetworkStream { Socket: Socket socket })
                {
                    // Poll, then read only what is there: no async read, which would turn the socket non-blocking for good
                    // and every later sync call into the runtime's slower emulation (see Timeouts.ConnectBlocking).
                    if (!PollReadable(socket, wait))
                    {
                        return _closed ? TransportWait.Stopped : TransportWait.Quiet;
                    }
                    try
                    {
                        return await FillAsync(false, 0, cancellationToken).ConfigureAwait(false) > 0 ? TransportWait.Arrived : TransportWait.Stopped;
                    }
                    catch (IOException e)
                    {
                        _pendingRead = Task.FromException<int>(e); // for the next read to throw
                        return TransportWait.Stopped;
                    }
                }
                _pendingRead = _stream.ReadAsync(_buffer.AsMemory(_end), CancellationToken.None).AsTask();
            }
            Task<int> read = _pendingRead;
            if (!read.IsCompleted)
            {
                try
                {
                    if (async)
                    {
                        await read.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        read.Wait(wait);
                    }
                }
                catch (TimeoutException) when (!read.IsCompleted)
                {
                    // Reported as Quiet below.
                }
                catch (Exception) when (read.IsCompleted)
                {
                    // The read failed: it stays pending, for the next read to throw.
                }
                if (!read.IsCompleted)
                {
                    return TransportWait.Quiet;
                }
            }
            if (!read.IsCompletedSuccessfully)
            {
                return TransportWait.Stopped;
            }
            return await FinishPendingReadAsync(async, cancellationToken).ConfigureAwait(false) > 0 ? TransportWait.Arrived : TransportWait.Stopped;
        }

        /// <summary>Polls a socket for readability (bytes, end or error) for up to <paramref name="wait"/>, in slices of at
        /// most 0.1 s that notice a close from another thread.</summary>
        private bool PollReadable(Socket socket, TimeSpan wait)
        {
            long deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
            try
            {
                while (!_closed)
                {
                    long left = deadline - Stopwatch.GetTimestamp();
                    if (left <= 0)
                    {
                        return false;
                    }
                    long microseconds = Math.Min(left * 1_000_000 / Stopwatch.Frequency, 100_000);
                    if (socket.Poll((int)Math.Max(microseconds, 1), SelectMode.SelectRead))
                    {
                        return true;
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // Closed from another thread.
            }
            return false;
        }

        /// <summary>
        /// Takes over the read a wait left running: waits for it under the read timeout (from now), adds its bytes to the
        /// buffer, or throws its failure. Returns its count, 0 at the end of the stream.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> FinishPendingReadAsync(bool async, CancellationToken cancellationToken)
        {
            Task<int> read = _pendingRead!;
            if (!read.IsCompleted)
            {
                TimeSpan timeout = NextReadTimeout(blocking: false) ?? System.Threading.Timeout.InfiniteTimeSpan;
                try
                {
                    if (async)
                    {
                        await read.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        read.WaitAsync(timeout, cancellationToken).GetAwaiter().GetResult(); // (rare: a wait's read taken over)
                    }
                }
                catch (TimeoutException e) when (!read.IsCompleted)
                {
                    throw Timeouts.Error(e);
                }
                catch (Exception) when (read.IsCompleted)
                {
                    // The read failed: thrown below as itself.
                }
            }
            _pendingRead = null;
            int count = await read.ConfigureAwait(false);
            if (_closed)
            {
                return 0; // closed while the read ran: its buffer is gone
            }
            Received += count;
            _eof = count == 0;
            _end += count;
            return count;
        }

        private int TakeBuffered(Span<byte> destination)
        {
            int count = Math.Min(destination.Length, Buffered);
            BufferedSpan.Slice(0, count).CopyTo(destination);
            Consume(count);
            return count;
        }

        /// <summary>
        /// Runs <paramref name="head"/> over the receive buffer, filling it until the head is complete: the whole head is
        /// decoded in one call when one read brought it. Returns the finished decoder. Each interim head the decoder stops
        /// at goes to <paramref name="onInterim"/> in wire order (an exception it throws propagates).
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<ResponseHeadDecoder> ReadHeadAsync(bool async, ResponseHeadDecoder head, HttpConnectionLimits limits, CancellationToken cancellationToken,
            Action<InterimResponse>? onInterim = null)
        {
            int most = _directBody ? HeadReadAfterDirectBody : int.MaxValue;
            _directBody = false;
            try
            {
                while (true)
                {
                    HeadStatus status = head.Decode(BufferedSpan, AtEnd, out int consumed);
                    Consume(consumed);
                    if (status == HeadStatus.Done)
                    {
                        return head;
                    }
                    if (status == HeadStatus.Interim)
                    {
                        onInterim!(new InterimResponse(head.Status, head.Reason, head.Version, head.Headers!));
                        continue; // the next head may already be buffered
                    }
                    if (limits.TimeoutBoundsWholeHead && _timeout is TimeSpan budget && _headDeadline == 0)
                    {
                        _headDeadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
                    }
                    await FillAsync(async, limits.MaxLineLength + 1, cancellationToken, most).ConfigureAwait(false);
                }
            }
            finally
            {
                if (_headDeadline != 0)
                {
                    _headDeadline = 0;
                    if (_syncBlocks && !_closed)
                    {
                        Timeouts.TryApply(_stream, _timeout); // back to the per-read timeout
                    }
                }
            }
        }

        /// <summary>
        /// The timeout of the next read: the connection's, or what is left of the head's budget
        /// (<see cref="HttpConnectionLimits.TimeoutBoundsWholeHead"/>), which a blocking socket then gets as its own.
        /// </summary>
        private TimeSpan? NextReadTimeout(bool blocking)
        {
            if (_headDeadline == 0)
            {
                return _timeout;
            }
            long left = _headDeadline - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                throw Timeouts.Error(new OperationCanceledException("The response head took longer than the timeout."));
            }
            TimeSpan remaining = TimeSpan.FromSeconds((double)left / Stopwatch.Frequency);
            if (blocking)
            {
                _stream.ReadTimeout = Timeouts.Milliseconds(remaining);
            }
            return remaining;
        }

        /// <summary>True when sync reads may go to the stream directly (no timer needed): the span fast path.</summary>
        public bool CanReadSpanDirectly => _syncBlocks;

        /// <summary>
        /// Sync span twin of <see cref="ReceiveAsync"/> for the Stream.Read(Span) fast path; only when
        /// <see cref="CanReadSpanDirectly"/>.
        /// </summary>
        public int Receive(Span<byte> destination)
        {
            if (_pendingRead is not null)
            {
                FinishPendingReadAsync(false, CancellationToken.None).GetAwaiter().GetResult();
                return TakeBuffered(destination);
            }
            if (_closed || _eof)
            {
                return 0;
            }
            int read;
            try
            {
                read = _stream.Read(destination);
                Received += read;
                _directBody = true;
            }
            catch (IOException e) when (TimeoutScope.Blocking.Expired(e))
            {
                throw Timeouts.Error(e);
            }
            _eof = read == 0;
            return read;
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        public async ValueTask WriteAsync(bool async, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            ThrowIfClosed();
            bool blocking = !async && _syncBlocks;
            using TimeoutScope scope = blocking ? TimeoutScope.Blocking : _writeTimer.Start(_timeout, cancellationToken);
            try
            {
                if (blocking)
                {
                    _stream.Write(data.Span);
                }
                else if (async)
                {
                    await _stream.WriteAsync(data, scope.Token).ConfigureAwait(false);
                }
                else
                {
                    _stream.WriteAsync(data, scope.Token).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (Exception e) when (scope.Expired(e))
            {
                throw Timeouts.Error(e);
            }
        }

        /// <summary>Synchronous write of a span (Send(ReadOnlySpan&lt;byte&gt;)); streams needing a timer get a copy.</summary>
        public void Write(ReadOnlySpan<byte> data)
        {
            ThrowIfClosed();
            if (_syncBlocks)
            {
                try
                {
                    _stream.Write(data);
                    return;
                }
                catch (IOException e) when (TimeoutScope.Blocking.Expired(e))
                {
                    throw Timeouts.Error(e);
                }
            }
            byte[] copy = ArrayPool<byte>.Shared.Rent(data.Length);
            try
            {
                data.CopyTo(copy);
                WriteAsync(false, copy.AsMemory(0, data.Length), CancellationToken.None).GetAwaiter().GetResult();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        public async ValueTask FlushAsync(bool async, CancellationToken cancellationToken)
        {
            if (async)
            {
                await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _stream.Flush();
            }
        }

        private void ThrowIfClosed()
        {
            if (_closed)
            {
                throw new IOException("The transport is closed.");
            }
        }
    }

    /// <summary>How <see cref="Transport.WaitForBytesAsync"/> ended.</summary>
    internal enum TransportWait
    {
        /// <summary>Bytes arrived and are buffered.</summary>
        Arrived,

        /// <summary>No bytes will come this way: the stream ended or failed (the next read throws), the transport closed, or the buffer is full.</summary>
        Stopped,

        /// <summary>The wait passed without a byte; a read may still be running (the next read takes it over).</summary>
        Quiet,
    }
}
