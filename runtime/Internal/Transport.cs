using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Internal
{
    /// <summary>
    /// One open transport (socket or user stream) with the connection's single pooled receive buffer. Responses read
    /// through it in turn, so bytes past the end of one response stay here for the next (README difference 6). Every blocking
    /// call honours the connection timeout (TimeoutException). Once closed, reads behave as end of stream.
    /// </summary>
    internal sealed class Transport : IDisposable
    {
        /// <summary>Receive buffer size for normal traffic.</summary>
        private const int InitialBufferSize = 64 * 1024;

        /// <summary>Largest the buffer grows: one maximal line (65536 bytes + the one byte that proves it too long).</summary>
        private const int MaxBufferSize = ResponseParser.MaxLineLength + 1;

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
            ArrayPool<byte>.Shared.Return(buffer);
            try
            {
                _stream.Dispose();
            }
            catch (IOException)
            {
                // Closing a broken transport: nothing useful to report.
            }
        }

        public void Dispose() => Close();

        /// <summary>
        /// Reads once more from the stream into the buffer (compacting, or growing up to <paramref name="capacity"/>).
        /// Returns the count read; 0 means end of stream (or no room left).
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> FillAsync(bool async, int capacity, CancellationToken cancellationToken)
        {
            if (_closed || _eof)
            {
                return 0;
            }
            if (_end == _buffer.Length)
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                else
                {
                    int target = Math.Min(Math.Max(capacity, _buffer.Length), MaxBufferSize);
                    if (target <= _buffer.Length)
                    {
                        return 0;
                    }
                    byte[] larger = ArrayPool<byte>.Shared.Rent(target);
                    Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = larger;
                }
            }
            int read = await ReadStreamAsync(async, _buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
            }
            _end += read;
            return read;
        }

        /// <summary>
        /// Finds the next line (through <c>\n</c>) at the start of the buffer, reading as needed; returns its length,
        /// at most <paramref name="limit"/> bytes (then the line is longer than the caller accepts), or whatever remains
        /// at end of stream (0 = nothing). The caller reads <see cref="BufferedSpan"/> and consumes.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> PeekLineAsync(bool async, int limit, CancellationToken cancellationToken)
        {
            int scanned = 0;
            while (true)
            {
                int available = Math.Min(_end - _start, limit);
                int newline = _buffer.AsSpan(_start + scanned, available - scanned).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    return scanned + newline + 1;
                }
                scanned = available;
                if (available >= limit)
                {
                    return limit;
                }
                if (await FillAsync(async, limit, cancellationToken).ConfigureAwait(false) == 0)
                {
                    return Math.Min(_end - _start, limit);
                }
            }
        }

        /// <summary>Buffers at least one byte if possible (one read); returns the buffered count (0 = end).</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> PeekAsync(bool async, CancellationToken cancellationToken)
        {
            if (_end == _start)
            {
                await FillAsync(async, InitialBufferSize, cancellationToken).ConfigureAwait(false);
            }
            return _end - _start;
        }

        /// <summary>
        /// Reads up to <paramref name="destination"/>.Length bytes with at most one stream read: buffered bytes first;
        /// a large read with an empty buffer goes straight into the caller's memory.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> ReadAsync(bool async, Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (destination.IsEmpty)
            {
                return 0;
            }
            if (_end == _start)
            {
                if (_closed || _eof)
                {
                    return 0;
                }
                if (destination.Length >= _buffer.Length)
                {
                    int direct = await ReadStreamAsync(async, destination, cancellationToken).ConfigureAwait(false);
                    if (direct == 0)
                    {
                        _eof = true;
                    }
                    return direct;
                }
                if (await FillAsync(async, InitialBufferSize, cancellationToken).ConfigureAwait(false) == 0)
                {
                    return 0;
                }
            }
            int count = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(destination.Span);
            Consume(count);
            return count;
        }

        /// <summary>Consumes up to <paramref name="count"/> bytes without copying them; returns how many were there.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> SkipAsync(bool async, int count, CancellationToken cancellationToken)
        {
            int skipped = 0;
            while (skipped < count)
            {
                if (_end == _start && await FillAsync(async, InitialBufferSize, cancellationToken).ConfigureAwait(false) == 0)
                {
                    break;
                }
                int take = Math.Min(count - skipped, _end - _start);
                Consume(take);
                skipped += take;
            }
            return skipped;
        }

        /// <summary>True when sync reads may go to the stream directly (no timer needed): the span fast path.</summary>
        public bool CanReadSpanDirectly => _syncBlocks;

        /// <summary>
        /// Sync twin of <see cref="ReadAsync"/> for a span (Stream.Read(Span) callers): buffered bytes first; a large read
        /// with an empty buffer goes straight into the caller's span. Only when <see cref="CanReadSpanDirectly"/>.
        /// </summary>
        public int Read(Span<byte> destination)
        {
            if (destination.IsEmpty)
            {
                return 0;
            }
            if (_end == _start)
            {
                if (_closed || _eof)
                {
                    return 0;
                }
                if (destination.Length >= _buffer.Length)
                {
                    int direct;
                    try
                    {
                        direct = _stream.Read(destination);
                        Received += direct;
                    }
                    catch (IOException e) when (TimeoutScope.Blocking.Expired(e))
                    {
                        throw Timeouts.Error(e);
                    }
                    if (direct == 0)
                    {
                        _eof = true;
                    }
                    return direct;
                }
                if (FillAsync(false, InitialBufferSize, CancellationToken.None).GetAwaiter().GetResult() == 0)
                {
                    return 0;
                }
            }
            int count = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, count).CopyTo(destination);
            Consume(count);
            return count;
        }

        /// <summary>Sync span twin of <see cref="ReadExactlyOrEofAsync"/>.</summary>
        public int ReadExactlyOrEof(Span<byte> destination)
        {
            int total = 0;
            while (total < destination.Length)
            {
                int read = Read(destination.Slice(total));
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            return total;
        }

        /// <summary>Reads until <paramref name="destination"/> is full or the stream ends; returns the count.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> ReadExactlyOrEofAsync(bool async, Memory<byte> destination, CancellationToken cancellationToken)
        {
            int total = 0;
            while (total < destination.Length)
            {
                int read = await ReadAsync(async, destination.Slice(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            return total;
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

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> ReadStreamAsync(bool async, Memory<byte> destination, CancellationToken cancellationToken)
        {
            bool blocking = !async && _syncBlocks;
            using TimeoutScope scope = blocking ? TimeoutScope.Blocking : _readTimer.Start(_timeout, cancellationToken);
            try
            {
                int read = blocking ? _stream.Read(destination.Span)
                    : async ? await _stream.ReadAsync(destination, scope.Token).ConfigureAwait(false)
                    : _stream.ReadAsync(destination, scope.Token).AsTask().GetAwaiter().GetResult();
                Received += read;
                return read;
            }
            catch (Exception e) when (scope.Expired(e))
            {
                throw Timeouts.Error(e);
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
}
