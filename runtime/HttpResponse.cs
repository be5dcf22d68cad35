using System.Collections.Generic;

namespace Http.Client
{
    /// <summary>
    /// A response (Python's <c>http.client.HTTPResponse</c>): status, reason, version and headers, and the body as a
    /// read-only <see cref="Stream"/> framed by Content-Length, chunked coding or the end of the connection. Reading
    /// never goes past the end of this response. Python-named reads (<see cref="Read()"/>, <see cref="Read(int)"/>,
    /// <see cref="ReadLine"/>, <see cref="Peek"/>, <see cref="Read1"/>) return an empty array once the body is done or
    /// the response is closed; the <see cref="Stream"/> reads throw <see cref="ObjectDisposedException"/> after
    /// disposal. Dispose a fully read response to keep the connection alive; disposing an unread one closes the
    /// transport.
    /// </summary>
    public sealed partial class HttpResponse : Stream
    {
        /// <summary>Largest single array <see cref="Read(int)"/> allocates up front; larger reads grow as data arrives.</summary>
        private const int PreallocateLimit = 64 * 1024;

        /// <summary>Largest Content-Length <see cref="Read()"/> trusts enough to allocate the whole body up front.</summary>
        private const int PreallocateWholeBodyLimit = 1024 * 1024;

        /// <summary>Smallest read that goes from the stream straight into the caller's memory instead of through the receive buffer.</summary>
        private const int DirectReadMinimum = 64 * 1024;

        /// <summary>Most bytes one <see cref="Peek"/> copies: CPython's peek shows at most its 8 KiB read buffer.</summary>
        private const int PeekMaxBytes = 8192;

        private readonly HttpConnection? _connection;
        private Transport? _transport;
        private BodyDecoder _body; // chosen by BeginCore: the only place that knows the framing
        private bool _ownsTransport;
        private bool _upgraded; // a 101 to a request with Upgrade: the transport is the caller's to detach
        private bool _disposed;

        internal HttpResponse(HttpConnection? connection, Transport transport)
        {
            _connection = connection;
            _transport = transport;
        }

        /// <summary>The status code (any three-digit code 100..999).</summary>
        public int Status { get; private set; }

        /// <summary>The reason phrase, stripped of surrounding whitespace (may be empty).</summary>
        public string Reason { get; private set; } = "";

        /// <summary>10 for HTTP/1.0 (and 0.9), 11 for HTTP/1.1 and other 1.x versions.</summary>
        public int Version { get; private set; }

        /// <summary>The response headers in wire order.</summary>
        public HttpMessage Headers { get; private set; } = null!; // set by BeginCore before the response reaches anyone

        /// <summary>True when the connection closes after this response (so it is not reused).</summary>
        public bool WillClose { get; private set; }

        /// <summary>
        /// True once the body has been read to its end, or an error ended it, or the response was closed
        /// (Python's <c>isclosed()</c>).
        /// </summary>
        public bool IsClosed => _transport is null;

        /// <summary>True after <see cref="Stream.Close"/> or <see cref="Stream.Dispose()"/> (Python's <c>closed</c>).</summary>
        public bool Closed => _disposed;

        /// <summary>
        /// The value of header <paramref name="name"/>; several values are joined with ", ". Returns
        /// <paramref name="defaultValue"/> when absent.
        /// </summary>
        /// <param name="name">Header name, any case.</param>
        /// <param name="defaultValue">Returned when the header is absent.</param>
        public string? GetHeader(string name, string? defaultValue = null) => Headers.GetJoined(name) ?? defaultValue;

        /// <summary>All headers as name/value pairs in wire order, repeats included.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> GetHeaders() => Headers;

        /// <summary>Reads the rest of the body.</summary>
        /// <exception cref="IncompleteReadException">The connection ended before the declared length or last chunk.</exception>
        public byte[] Read() => ReadCore(false, -1, default).GetAwaiter().GetResult();

        /// <inheritdoc cref="Read()"/>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<byte[]> ReadAsync(CancellationToken cancellationToken = default) => ReadCore(true, -1, cancellationToken);

        /// <summary>
        /// Reads up to <paramref name="amount"/> bytes (fewer only at the end of the body); a negative amount reads
        /// the rest like <see cref="Read()"/>.
        /// </summary>
        /// <param name="amount">Number of bytes wanted.</param>
        public byte[] Read(int amount) => ReadCore(false, amount, default).GetAwaiter().GetResult();

        /// <summary>Reads up to <paramref name="amount"/> bytes; see <see cref="Read(int)"/>.</summary>
        /// <param name="amount">Number of bytes wanted.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<byte[]> ReadAsync(int amount, CancellationToken cancellationToken = default) => ReadCore(true, amount, cancellationToken);

        /// <summary>Reads one line (through <c>\n</c>), at most <paramref name="limit"/> bytes when it is not negative.</summary>
        /// <param name="limit">Maximum bytes; negative for no limit.</param>
        public byte[] ReadLine(int limit = -1) => ReadLineCore(false, limit, default).GetAwaiter().GetResult();

        /// <summary>Reads one line; see <see cref="ReadLine"/>.</summary>
        /// <param name="limit">Maximum bytes; negative for no limit.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<byte[]> ReadLineAsync(int limit = -1, CancellationToken cancellationToken = default) => ReadLineCore(true, limit, cancellationToken);

        /// <summary>
        /// Returns body bytes without consuming them (at least one unless the body ended; possibly more or fewer than
        /// <paramref name="n"/>, at most 8,192 as CPython's read buffer, never past the end of the body or the current chunk).
        /// </summary>
        /// <param name="n">A hint, as Python's peek.</param>
        public byte[] Peek(int n = 0) => PeekCore(false, default).GetAwaiter().GetResult();

        /// <summary>Returns body bytes without consuming them; see <see cref="Peek"/>.</summary>
        /// <param name="n">A hint, as Python's peek.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<byte[]> PeekAsync(int n = 0, CancellationToken cancellationToken = default) => PeekCore(true, cancellationToken);

        /// <summary>Reads up to <paramref name="n"/> bytes (all available when negative) with at most one transport read.</summary>
        /// <param name="n">Maximum bytes; negative for whatever one read gives.</param>
        public byte[] Read1(int n = -1) => Read1Core(false, n, default).GetAwaiter().GetResult();

        /// <summary>Reads with at most one transport read; see <see cref="Read1"/>.</summary>
        /// <param name="n">Maximum bytes; negative for whatever one read gives.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<byte[]> Read1Async(int n = -1, CancellationToken cancellationToken = default) => Read1Core(true, n, cancellationToken);

        /// <inheritdoc/>
        public override bool CanRead => !_disposed;

        /// <inheritdoc/>
        public override bool CanSeek => false;

        /// <inheritdoc/>
        public override bool CanWrite => false;

        /// <summary>Not supported: the body length is not always known.</summary>
        public override long Length => throw new NotSupportedException("HttpResponse does not support Length.");

        /// <summary>Not supported.</summary>
        public override long Position
        {
            get => throw new NotSupportedException("HttpResponse does not support seeking.");
            set => throw new NotSupportedException("HttpResponse does not support seeking.");
        }

        /// <summary>Does nothing (nothing is written).</summary>
        public override void Flush()
        {
        }

        /// <inheritdoc cref="Read(Span{byte})"/>
        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            return Read(buffer.AsSpan(offset, count));
        }

        /// <summary>Reads body bytes into <paramref name="buffer"/> (Python's readinto); 0 at the end of the body.</summary>
        /// <param name="buffer">Destination.</param>
        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_transport is not Transport transport)
            {
                return 0;
            }
            // The sync twin of FillCore, straight into the caller's span (from the stream itself only when the
            // stream's own timeouts bound a blocking read; else through the receive buffer).
            buffer = buffer.Slice(0, ClipToLength(buffer.Length));
            int total = 0;
            try
            {
                while (total < buffer.Length && _transport is not null)
                {
                    int before = total;
                    int direct = transport.CanReadSpanDirectly ? DirectReadLength(buffer.Length - total) : 0;
                    if (direct > 0)
                    {
                        total += Received(transport.Receive(buffer.Slice(total, direct)));
                    }
                    if (total == before && !TryCopy(buffer, ref total))
                    {
                        WindowCore(false, true, default).GetAwaiter().GetResult();
                    }
                    else if (total == before || !_body.FillsAcrossFrames)
                    {
                        break;
                    }
                }
            }
            catch (IncompleteReadException)
            {
                throw new IncompleteReadException(buffer.Slice(0, total).ToArray());
            }
            catch (Exception e) when (OnReadFailure(e)) // a failed Receive (the window filtered its own: the rule is idempotent)
            {
                throw;
            }
            return AfterRead(total, buffer.Length, finishAtLength: true);
        }

        /// <summary>Reads body bytes into <paramref name="buffer"/>; 0 at the end of the body.</summary>
        /// <param name="buffer">Destination.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_transport is null)
            {
                return 0;
            }
            buffer = buffer.Slice(0, ClipToLength(buffer.Length));
            int read = await FillCore(true, buffer, _body.FillsAcrossFrames, cancellationToken).ConfigureAwait(false);
            return AfterRead(read, buffer.Length, finishAtLength: true);
        }

        /// <inheritdoc cref="ReadAsync(Memory{byte}, CancellationToken)"/>
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ValidateBufferArguments(buffer, offset, count);
            return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        }

        /// <summary>Not supported.</summary>
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("HttpResponse does not support seeking.");

        /// <summary>Not supported.</summary>
        public override void SetLength(long value) => throw new NotSupportedException("HttpResponse is read-only.");

        /// <summary>Not supported.</summary>
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("HttpResponse is read-only.");

        /// <summary>A short description: status, reason and version.</summary>
        public override string ToString() => $"HttpResponse {Status} {Reason} (HTTP/{Version / 10}.{Version % 10})";

        /// <summary>
        /// Closes the response. A fully read body leaves a kept-alive connection open; an unread one closes the
        /// transport (the next request opens a new one).
        /// </summary>
        /// <param name="disposing">True from Dispose.</param>
        protected override void Dispose(bool disposing)
        {
            if (!_disposed)
            {
                _disposed = true;
                Transport? transport = _transport;
                if (transport is not null)
                {
                    _transport = null;
                    if (_ownsTransport || _body.Length != 0)
                    {
                        transport.Close();
                    }
                }
            }
            base.Dispose(disposing);
        }

        internal void TakeTransportOwnership() => _ownsTransport = true;

        /// <summary>The connection gave this 101 response its transport (the request carried Upgrade).</summary>
        internal void AcceptUpgrade()
        {
            _ownsTransport = true;
            _upgraded = true;
        }

        /// <summary>
        /// True when this is a <c>101 Switching Protocols</c> reply to a request that carried an <c>Upgrade</c> header: the
        /// connection gave up its transport, which <see cref="DetachUpgradedStream"/> hands over (the next request on the
        /// connection opens a new one).
        /// </summary>
        public bool IsUpgraded => _upgraded;

        /// <summary>
        /// Takes the raw duplex stream of a switched protocol (see <see cref="IsUpgraded"/>): reads first return the bytes
        /// that arrived after the 101 head, then read the transport; writes go to it directly. The connection's
        /// <see cref="HttpConnection.Timeout"/> still bounds each read and write. The caller owns the stream: disposing it
        /// closes the transport. This response then has no body and its disposal no longer closes anything. Callable once.
        /// </summary>
        /// <exception cref="InvalidOperationException">Not an upgraded response, or the stream was already detached.</exception>
        /// <exception cref="ObjectDisposedException">The response was disposed (which closed the transport).</exception>
        public Stream DetachUpgradedStream()
        {
            if (!_upgraded)
            {
                throw new InvalidOperationException("Only a 101 Switching Protocols reply to a request with an Upgrade header has an upgraded stream.");
            }
            ObjectDisposedException.ThrowIf(_disposed, this);
            Transport transport = _transport ?? throw new InvalidOperationException("The upgraded stream was already detached.");
            _transport = null;
            return new UpgradedStream(transport);
        }

        /// <summary>read() when <paramref name="amount"/> is negative (docs/differences.md #11), else read(amt).</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> ReadCore(bool async, int amount, CancellationToken cancellationToken)
        {
            if (_transport is null)
            {
                return Array.Empty<byte>();
            }
            bool all = amount < 0;
            long wanted = all ? _body.Length ?? long.MaxValue : ClipToLength(amount);
            byte[] result;
            if (wanted <= (all ? PreallocateWholeBodyLimit : PreallocateLimit))
            {
                // The usual case: one exact array, filled in place.
                result = wanted == 0 ? Array.Empty<byte>() : new byte[wanted];
                int got = await FillCore(async, result, untilFull: true, cancellationToken).ConfigureAwait(false);
                result = got == result.Length ? result : result.AsSpan(0, got).ToArray();
            }
            else
            {
                // Unknown or large (even absurd) length: grow with the data that really arrives (CVE-2025-13836).
                using var accumulator = new ByteAccumulator();
                await AccumulateCore(async, accumulator, wanted, cancellationToken).ConfigureAwait(false);
                result = accumulator.ToArray();
            }
            if (!all)
            {
                AfterRead(result.Length, (int)wanted, finishAtLength: true);
            }
            else if (_body.IsTruncated)
            {
                CloseConn(false);
                throw new IncompleteReadException(result, _body.Length);
            }
            else
            {
                CloseConn(true);
            }
            return result;
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> Read1Core(bool async, int n, CancellationToken cancellationToken)
        {
            if (_transport is null)
            {
                return Array.Empty<byte>();
            }
            n = ClipToLength(n);
            int window = await WindowCore(async, wantData: n != 0, cancellationToken).ConfigureAwait(false);
            int take = n < 0 ? window : Math.Min(window, n);
            byte[] result = take == 0 ? Array.Empty<byte>() : _transport!.BufferedSpan.Slice(0, take).ToArray();
            if (take > 0)
            {
                Consume(take);
            }
            AfterRead(take, n, finishAtLength: false);
            return result;
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> PeekCore(bool async, CancellationToken cancellationToken)
        {
            if (_transport is null)
            {
                return Array.Empty<byte>();
            }
            int window;
            try
            {
                window = await WindowCore(async, true, cancellationToken).ConfigureAwait(false);
            }
            catch (IncompleteReadException)
            {
                return Array.Empty<byte>(); // peek does not report protocol errors, as CPython
            }
            // docs/differences.md #6: never beyond this body (CPython's peek may show the next response). At most
            // PeekMaxBytes, as CPython's 8 KiB read buffer: a Peek/Read1(n) loop then copies linearly, whatever the window.
            return window == 0 ? Array.Empty<byte>() : _transport!.BufferedSpan.Slice(0, Math.Min(window, PeekMaxBytes)).ToArray();
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> ReadLineCore(bool async, int limit, CancellationToken cancellationToken)
        {
            if (_transport is null)
            {
                return Array.Empty<byte>();
            }
            limit = ClipToLength(limit);
            using var accumulator = new ByteAccumulator();
            while (limit < 0 || accumulator.Length < limit)
            {
                int window = await WindowCore(async, true, cancellationToken).ConfigureAwait(false);
                if (window == 0)
                {
                    break;
                }
                ReadOnlySpan<byte> data = _transport!.BufferedSpan.Slice(0, limit < 0 ? window : Math.Min(window, limit - accumulator.Length));
                int newline = data.IndexOf((byte)'\n');
                int take = newline >= 0 ? newline + 1 : data.Length;
                accumulator.Append(data.Slice(0, take));
                Consume(take);
                if (newline >= 0)
                {
                    break;
                }
            }
            AfterRead(accumulator.Length, limit, finishAtLength: false);
            return accumulator.ToArray();
        }
    }
}
