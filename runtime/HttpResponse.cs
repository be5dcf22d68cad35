using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Internal;

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
    public sealed class HttpResponse : Stream
    {
        /// <summary>Largest single array <see cref="Read(int)"/> allocates up front; larger reads grow as data arrives.</summary>
        private const int PreallocateLimit = 64 * 1024;

        /// <summary>Largest Content-Length <see cref="Read()"/> trusts enough to allocate the whole body up front.</summary>
        private const int PreallocateWholeBodyLimit = 1024 * 1024;

        private readonly HttpConnection? _connection;
        private readonly string? _method;
        private readonly bool _isHead;
        private readonly int _debugLevel;
        private readonly TextWriter? _debugOutput;
        private Transport? _transport;
        private bool _ownsTransport;
        private bool _disposed;
        private bool _chunked;
        private long? _chunkLeft;
        private long? _length;
        private HttpMessage _headers = null!; // set by BeginCore before the response reaches anyone

        internal HttpResponse(HttpConnection? connection, Transport transport, string? method, int debugLevel, TextWriter? debugOutput)
        {
            _connection = connection;
            _transport = transport;
            _method = method;
            _isHead = method == "HEAD";
            _debugLevel = debugLevel;
            _debugOutput = debugOutput;
            Reason = "";
        }

        /// <summary>The status code (any three-digit code 100..999).</summary>
        public int Status { get; private set; }

        /// <summary>The reason phrase, stripped of surrounding whitespace (may be empty).</summary>
        public string Reason { get; private set; }

        /// <summary>10 for HTTP/1.0 (and 0.9), 11 for HTTP/1.1 and other 1.x versions.</summary>
        public int Version { get; private set; }

        /// <summary>The response headers in wire order.</summary>
        public HttpMessage Headers => _headers;

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
        public string? GetHeader(string name, string? defaultValue = null) => _headers.GetJoined(name) ?? defaultValue;

        /// <summary>All headers as name/value pairs in wire order, repeats included.</summary>
        public IReadOnlyList<KeyValuePair<string, string>> GetHeaders() => _headers;

        /// <summary>Reads the rest of the body.</summary>
        /// <exception cref="IncompleteReadException">The connection ended before the declared length or last chunk.</exception>
        public byte[] Read() => ReadAllCore(false, default).GetAwaiter().GetResult();

        /// <summary>Reads the rest of the body.</summary>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<byte[]> ReadAsync(CancellationToken cancellationToken = default) => ReadAllCore(true, cancellationToken);

        /// <summary>
        /// Reads up to <paramref name="amount"/> bytes (fewer only at the end of the body); a negative amount reads
        /// the rest like <see cref="Read()"/>.
        /// </summary>
        /// <param name="amount">Number of bytes wanted.</param>
        public byte[] Read(int amount) => ReadAmountCore(false, amount, default).GetAwaiter().GetResult();

        /// <summary>Reads up to <paramref name="amount"/> bytes; see <see cref="Read(int)"/>.</summary>
        /// <param name="amount">Number of bytes wanted.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<byte[]> ReadAsync(int amount, CancellationToken cancellationToken = default) => ReadAmountCore(true, amount, cancellationToken);

        /// <summary>Reads one line (through <c>\n</c>), at most <paramref name="limit"/> bytes when it is not negative.</summary>
        /// <param name="limit">Maximum bytes; negative for no limit.</param>
        public byte[] ReadLine(int limit = -1) => ReadLineCore(false, limit, default).GetAwaiter().GetResult();

        /// <summary>Reads one line; see <see cref="ReadLine"/>.</summary>
        /// <param name="limit">Maximum bytes; negative for no limit.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<byte[]> ReadLineAsync(int limit = -1, CancellationToken cancellationToken = default) => ReadLineCore(true, limit, cancellationToken);

        /// <summary>
        /// Returns body bytes without consuming them (at least one unless the body ended; possibly more or fewer than
        /// <paramref name="n"/>, never past the end of the body or the current chunk).
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

        /// <summary>Reads body bytes into <paramref name="buffer"/> (Python's readinto); 0 at the end of the body.</summary>
        /// <param name="buffer">Destination.</param>
        /// <param name="offset">Offset in <paramref name="buffer"/>.</param>
        /// <param name="count">Maximum bytes.</param>
        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ReadIntoCore(false, buffer.AsMemory(offset, count), default).GetAwaiter().GetResult();
        }

        /// <summary>Reads body bytes into <paramref name="buffer"/> (Python's readinto); 0 at the end of the body.</summary>
        /// <param name="buffer">Destination.</param>
        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_isHead && _transport is { CanReadSpanDirectly: true } transport)
            {
                // Straight into the caller's span: no rented array, no second copy of the body.
                try
                {
                    if (_chunked)
                    {
                        return ReadIntoChunkedSync(transport, buffer);
                    }
                    buffer = buffer.Slice(0, ClipToLength(buffer.Length));
                    return AfterBodyRead(transport.Read(buffer), requested: buffer.Length);
                }
                catch (Exception e)
                {
                    OnReadFailure(e);
                    throw;
                }
            }
            byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length, 1));
            try
            {
                int read = ReadIntoCore(false, rented.AsMemory(0, buffer.Length), default).GetAwaiter().GetResult();
                rented.AsSpan(0, read).CopyTo(buffer);
                return read;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        /// <summary>Reads body bytes into <paramref name="buffer"/>; 0 at the end of the body.</summary>
        /// <param name="buffer">Destination.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_disposed)
            {
                return ValueTask.FromException<int>(new ObjectDisposedException(nameof(HttpResponse)));
            }
            return ReadIntoCore(true, buffer, cancellationToken);
        }

        /// <summary>Reads body bytes into <paramref name="buffer"/>; 0 at the end of the body.</summary>
        /// <param name="buffer">Destination.</param>
        /// <param name="offset">Offset in <paramref name="buffer"/>.</param>
        /// <param name="count">Maximum bytes.</param>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ValidateBufferArguments(buffer, offset, count);
            return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        }

        /// <summary>Not supported.</summary>
        /// <param name="offset">Ignored.</param>
        /// <param name="origin">Ignored.</param>
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("HttpResponse does not support seeking.");

        /// <summary>Not supported.</summary>
        /// <param name="value">Ignored.</param>
        public override void SetLength(long value) => throw new NotSupportedException("HttpResponse is read-only.");

        /// <summary>Not supported.</summary>
        /// <param name="buffer">Ignored.</param>
        /// <param name="offset">Ignored.</param>
        /// <param name="count">Ignored.</param>
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
                    bool atBoundary = _isHead || (!_chunked && _length == 0);
                    if (_ownsTransport || !atBoundary)
                    {
                        transport.Close();
                    }
                }
            }
            base.Dispose(disposing);
        }

        internal void TakeTransportOwnership() => _ownsTransport = true;

        /// <summary>Reads the status line(s) and headers and decides the body framing (CPython's begin()).</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        internal async ValueTask BeginCore(bool async, CancellationToken cancellationToken)
        {
            Transport transport = _transport!;
            StatusLine status;
            while (true)
            {
                status = await ResponseParser.ReadStatusLineAsync(transport, async, _debugLevel, _debugOutput, cancellationToken).ConfigureAwait(false);
                if (status.Status != 100)
                {
                    break;
                }
                List<byte[]>? skipped = _debugOutput is not null ? new List<byte[]>() : null;
                await ResponseParser.ReadHeaderBlockAsync(transport, async, null, skipped, cancellationToken).ConfigureAwait(false);
                if (skipped is not null)
                {
                    _debugOutput!.WriteLine("headers: " + PythonRepr.BytesList(skipped));
                }
            }
            Status = status.Status;
            Reason = status.Reason;
            Version = ResponseParser.MapVersion(status.Version);
            if (Version == 0)
            {
                throw new UnknownProtocolException(status.Version);
            }
            // Keep-alive servers repeat their header lines: start on the previous response's fields (shared, copy-on-write).
            HttpMessage? previous = _connection?.PreviousHeaders;
            HttpMessage headers = previous is null ? new HttpMessage(4) : HttpMessage.StartingFrom(previous);
            await ResponseParser.ReadHeaderBlockAsync(transport, async, headers, null, cancellationToken, previous).ConfigureAwait(false);
            _headers = headers;
            if (_connection is not null)
            {
                _connection.PreviousHeaders = headers;
            }
            if (_debugOutput is not null)
            {
                foreach (KeyValuePair<string, string> header in _headers)
                {
                    _debugOutput.WriteLine("header: " + header.Key + ": " + header.Value);
                }
            }

            string? transferEncoding = _headers.Get(HeaderNames.TransferEncoding);
            // README difference 8: surrounding whitespace (OWS) does not stop "chunked" from counting.
            _chunked = transferEncoding is not null
                && System.Text.Ascii.EqualsIgnoreCase(transferEncoding.AsSpan().Trim(" \t"), "chunked");
            _chunkLeft = null;
            WillClose = CheckClose();
            _length = null;
            string? contentLength = _headers.Get(HeaderNames.ContentLength);
            if (!string.IsNullOrEmpty(contentLength) && !_chunked)
            {
                _length = ParseContentLength(contentLength);
            }
            if (Status == 204 || Status == 304 || (Status >= 100 && Status < 200) || _isHead)
            {
                _length = 0;
            }
            if (!WillClose && !_chunked && _length is null)
            {
                WillClose = true;
            }
        }

        private bool CheckClose()
        {
            string? connection = _headers.Get(HeaderNames.Connection);
            if (Version == 11)
            {
                return connection is not null && connection.Contains("close", StringComparison.OrdinalIgnoreCase);
            }
            if (!string.IsNullOrEmpty(_headers.Get(HeaderNames.KeepAlive)))
            {
                return false;
            }
            if (connection is not null && connection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            string? proxyConnection = _headers.Get(HeaderNames.ProxyConnection);
            return !(proxyConnection is not null && proxyConnection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>Python int() of a Content-Length: whitespace, sign and digit underscores allowed; null if invalid or negative.</summary>
        internal static long? ParseContentLength(string text)
        {
            string trimmed = HttpSyntax.PythonStrip(text);
            int position = 0;
            bool negative = false;
            if (position < trimmed.Length && (trimmed[position] == '+' || trimmed[position] == '-'))
            {
                negative = trimmed[position] == '-';
                position++;
            }
            if (position >= trimmed.Length)
            {
                return null;
            }
            long value = 0;
            bool lastWasDigit = false;
            for (; position < trimmed.Length; position++)
            {
                char c = trimmed[position];
                if (c == '_' && lastWasDigit && position + 1 < trimmed.Length)
                {
                    lastWasDigit = false;
                    continue;
                }
                if (c < '0' || c > '9')
                {
                    return null;
                }
                lastWasDigit = true;
                if (value > (long.MaxValue - (c - '0')) / 10)
                {
                    return null; // beyond any real body: treated as unknown (read to the end)
                }
                value = value * 10 + (c - '0');
            }
            if (!lastWasDigit)
            {
                return null;
            }
            return negative && value != 0 ? null : value;
        }

        /// <summary>
        /// README difference 10: hex digits with optional spaces/tabs around them, then optional <c>;extensions</c>;
        /// null when the line does not parse (or overflows Int64).
        /// </summary>
        internal static long? ParseChunkSize(ReadOnlySpan<byte> line)
        {
            int semicolon = line.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                line = line.Slice(0, semicolon);
            }
            line = line.Trim(" \t\r\n"u8);
            if (line.IsEmpty)
            {
                return null;
            }
            long value = 0;
            foreach (byte b in line)
            {
                int digit = b >= '0' && b <= '9' ? b - '0'
                    : b >= 'a' && b <= 'f' ? b - 'a' + 10
                    : b >= 'A' && b <= 'F' ? b - 'A' + 10
                    : -1;
                if (digit < 0 || value > (long.MaxValue >> 4))
                {
                    return null;
                }
                value = (value << 4) | (long)digit;
            }
            return value;
        }

        /// <summary>Ends the body: a clean end keeps a shared transport for the next response.</summary>
        private void CloseConn(bool clean)
        {
            Transport? transport = _transport;
            if (transport is null)
            {
                return;
            }
            _transport = null;
            if (!clean || _ownsTransport)
            {
                transport.Close();
            }
        }

        /// <summary>
        /// After a failed read: a timeout or cancellation closes the response, the transport and the connection
        /// (README difference 4); any other failure leaves the stream position unknown, so the transport is closed (later
        /// reads see the end) and the connection opens a new one next time.
        /// </summary>
        private void OnReadFailure(Exception e)
        {
            Transport? transport = _transport;
            if (transport is null)
            {
                return;
            }
            transport.Close();
            if (HttpConnection.IsAbort(e))
            {
                _transport = null;
                _connection?.OnResponseAborted(transport);
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> ReadAllCore(bool async, CancellationToken cancellationToken)
        {
            Transport? transport = _transport;
            if (transport is null)
            {
                return Array.Empty<byte>();
            }
            try
            {
                if (_isHead)
                {
                    CloseConn(true);
                    return Array.Empty<byte>();
                }
                if (_chunked)
                {
                    return await ReadChunkedCore(async, transport, null, cancellationToken).ConfigureAwait(false);
                }
                if (_length is long length)
                {
                    byte[] body;
                    long got;
                    if (length <= PreallocateWholeBodyLimit)
                    {
                        // The usual case: one exact array, filled in place.
                        body = length == 0 ? Array.Empty<byte>() : new byte[length];
                        got = await transport.ReadExactlyOrEofAsync(async, body, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        // A large (or absurd) Content-Length: grow with the data that really arrives.
                        using var large = new ByteAccumulator();
                        while (large.Length < length)
                        {
                            if (large.Length == Array.MaxLength)
                            {
                                throw new InvalidOperationException($"The body ({length} bytes) is too large for one array; read it as a stream.");
                            }
                            Memory<byte> space = large.GetMemory((int)Math.Min(length - large.Length, PreallocateLimit));
                            int read = await transport.ReadAsync(async, space.Slice(0, (int)Math.Min(space.Length, length - large.Length)), cancellationToken).ConfigureAwait(false);
                            if (read == 0)
                            {
                                break;
                            }
                            large.Advance(read);
                        }
                        got = large.Length;
                        body = large.ToArray();
                    }
                    if (got < length)
                    {
                        CloseConn(false);
                        throw new IncompleteReadException(got == body.Length ? body : body.AsSpan(0, (int)got).ToArray(), length - got);
                    }
                    _length = 0;
                    CloseConn(true);
                    return body;
                }
                using var accumulator = new ByteAccumulator();
                while (true)
                {
                    int read = await transport.ReadAsync(async, accumulator.GetMemory(16 * 1024), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }
                    accumulator.Advance(read);
                }
                CloseConn(true);
                return accumulator.ToArray();
            }
            catch (Exception e)
            {
                OnReadFailure(e);
                throw;
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> ReadAmountCore(bool async, int amount, CancellationToken cancellationToken)
        {
            if (amount < 0)
            {
                return await ReadAllCore(async, cancellationToken).ConfigureAwait(false); // README difference 11
            }
            Transport? transport = _transport;
            if (transport is null)
            {
                return Array.Empty<byte>();
            }
            try
            {
                if (_isHead)
                {
                    CloseConn(true);
                    return Array.Empty<byte>();
                }
                if (_chunked)
                {
                    return await ReadChunkedCore(async, transport, amount, cancellationToken).ConfigureAwait(false);
                }
                int wanted = ClipToLength(amount);
                byte[] result;
                if (wanted <= PreallocateLimit)
                {
                    result = wanted == 0 ? Array.Empty<byte>() : new byte[wanted];
                    int got = await transport.ReadExactlyOrEofAsync(async, result, cancellationToken).ConfigureAwait(false);
                    if (got < wanted)
                    {
                        result = result.AsSpan(0, got).ToArray();
                    }
                }
                else
                {
                    using var accumulator = new ByteAccumulator();
                    while (accumulator.Length < wanted)
                    {
                        Memory<byte> space = accumulator.GetMemory(Math.Min(wanted - accumulator.Length, PreallocateLimit));
                        int read = await transport.ReadAsync(async, space.Slice(0, Math.Min(space.Length, wanted - accumulator.Length)), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            break;
                        }
                        accumulator.Advance(read);
                    }
                    result = accumulator.ToArray();
                }
                if (result.Length == 0 && wanted != 0)
                {
                    CloseConn(false);
                }
                else if (_length is long remaining)
                {
                    _length = remaining - result.Length;
                    if (_length == 0)
                    {
                        CloseConn(true);
                    }
                }
                return result;
            }
            catch (Exception e)
            {
                OnReadFailure(e);
                throw;
            }
        }

        /// <summary>A read size clipped to what is left of a Content-Length body.</summary>
        private int ClipToLength(int size) => _length is long length && size > length ? (int)length : size;

        /// <summary>
        /// Bookkeeping after one read of a non-chunked body (CPython's readinto): an empty read of a non-empty
        /// request ends the body; reaching the announced length finishes it.
        /// </summary>
        private int AfterBodyRead(int read, int requested)
        {
            if (read == 0 && requested > 0)
            {
                CloseConn(false);
            }
            else if (_length is long remaining)
            {
                _length = remaining - read;
                if (_length == 0)
                {
                    CloseConn(true);
                }
            }
            return read;
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> ReadIntoCore(bool async, Memory<byte> destination, CancellationToken cancellationToken)
        {
            Transport? transport = _transport;
            if (transport is null)
            {
                return 0;
            }
            try
            {
                if (_isHead)
                {
                    CloseConn(true);
                    return 0;
                }
                if (_chunked)
                {
                    return await ReadIntoChunkedCore(async, transport, destination, cancellationToken).ConfigureAwait(false);
                }
                destination = destination.Slice(0, ClipToLength(destination.Length));
                return AfterBodyRead(await transport.ReadAsync(async, destination, cancellationToken).ConfigureAwait(false), requested: destination.Length);
            }
            catch (Exception e)
            {
                OnReadFailure(e);
                throw;
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> Read1Core(bool async, int n, CancellationToken cancellationToken)
        {
            Transport? transport = _transport;
            if (transport is null || _isHead)
            {
                return Array.Empty<byte>();
            }
            try
            {
                if (_chunked)
                {
                    long? left = await GetChunkLeftCore(async, transport, cancellationToken).ConfigureAwait(false);
                    if (left is not long chunkLeft || n == 0)
                    {
                        return Array.Empty<byte>();
                    }
                    long wanted = n < 0 || n > chunkLeft ? chunkLeft : n;
                    int available = await transport.PeekAsync(async, cancellationToken).ConfigureAwait(false);
                    int take = (int)Math.Min(wanted, available);
                    byte[] data = transport.BufferedSpan.Slice(0, take).ToArray();
                    transport.Consume(take);
                    _chunkLeft = chunkLeft - take;
                    if (take == 0)
                    {
                        throw new IncompleteReadException(Array.Empty<byte>());
                    }
                    return data;
                }
                long limit = n;
                if (_length is long length && (n < 0 || n > length))
                {
                    limit = length;
                }
                byte[] result = Array.Empty<byte>();
                if (limit != 0)
                {
                    int available = await transport.PeekAsync(async, cancellationToken).ConfigureAwait(false);
                    int take = limit < 0 ? available : (int)Math.Min(limit, available);
                    result = transport.BufferedSpan.Slice(0, take).ToArray();
                    transport.Consume(take);
                }
                if (result.Length == 0 && limit != 0)
                {
                    CloseConn(false);
                }
                else if (_length is long remaining)
                {
                    _length = remaining - result.Length; // CPython's read1 does not close at 0
                }
                return result;
            }
            catch (Exception e)
            {
                OnReadFailure(e);
                throw;
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> PeekCore(bool async, CancellationToken cancellationToken)
        {
            Transport? transport = _transport;
            if (transport is null || _isHead)
            {
                return Array.Empty<byte>();
            }
            try
            {
                long limit;
                if (_chunked)
                {
                    long? left;
                    try
                    {
                        left = await GetChunkLeftCore(async, transport, cancellationToken).ConfigureAwait(false);
                    }
                    catch (IncompleteReadException)
                    {
                        return Array.Empty<byte>(); // peek does not report protocol errors, as CPython
                    }
                    if (left is not long chunkLeft)
                    {
                        return Array.Empty<byte>();
                    }
                    limit = chunkLeft;
                }
                else
                {
                    // README difference 6: never show bytes past the end of this response (CPython's peek may).
                    limit = _length ?? long.MaxValue;
                }
                int available = await transport.PeekAsync(async, cancellationToken).ConfigureAwait(false);
                return transport.BufferedSpan.Slice(0, (int)Math.Min(limit, available)).ToArray();
            }
            catch (Exception e)
            {
                OnReadFailure(e);
                throw;
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> ReadLineCore(bool async, int limit, CancellationToken cancellationToken)
        {
            Transport? transport = _transport;
            if (transport is null || _isHead)
            {
                return Array.Empty<byte>();
            }
            try
            {
                using var accumulator = new ByteAccumulator();
                if (_chunked)
                {
                    while (limit < 0 || accumulator.Length < limit)
                    {
                        long? left = await GetChunkLeftCore(async, transport, cancellationToken).ConfigureAwait(false);
                        if (left is not long chunkLeft)
                        {
                            break;
                        }
                        int available = await transport.PeekAsync(async, cancellationToken).ConfigureAwait(false);
                        if (available == 0)
                        {
                            throw new IncompleteReadException(Array.Empty<byte>());
                        }
                        int window = (int)Math.Min(available, chunkLeft);
                        if (limit >= 0)
                        {
                            window = Math.Min(window, limit - accumulator.Length);
                        }
                        int newline = transport.BufferedSpan.Slice(0, window).IndexOf((byte)'\n');
                        int take = newline >= 0 ? newline + 1 : window;
                        accumulator.Append(transport.BufferedSpan.Slice(0, take));
                        transport.Consume(take);
                        _chunkLeft = chunkLeft - take;
                        if (newline >= 0)
                        {
                            break;
                        }
                    }
                    return accumulator.ToArray();
                }
                long bound = limit;
                if (_length is long length && (limit < 0 || limit > length))
                {
                    bound = length;
                }
                if (bound == 0)
                {
                    return Array.Empty<byte>();
                }
                while (bound < 0 || accumulator.Length < bound)
                {
                    int available = await transport.PeekAsync(async, cancellationToken).ConfigureAwait(false);
                    if (available == 0)
                    {
                        break;
                    }
                    int window = bound < 0 ? available : (int)Math.Min(available, bound - accumulator.Length);
                    int newline = transport.BufferedSpan.Slice(0, window).IndexOf((byte)'\n');
                    int take = newline >= 0 ? newline + 1 : window;
                    accumulator.Append(transport.BufferedSpan.Slice(0, take));
                    transport.Consume(take);
                    if (newline >= 0)
                    {
                        break;
                    }
                }
                byte[] result = accumulator.ToArray();
                if (result.Length == 0)
                {
                    CloseConn(false);
                }
                else if (_length is long remaining)
                {
                    _length = remaining - result.Length; // CPython's readline does not close at 0
                }
                return result;
            }
            catch (Exception e)
            {
                OnReadFailure(e);
                throw;
            }
        }

        /// <summary>
        /// CPython's _get_chunk_left: the bytes left in the current chunk, reading the CRLF after a finished chunk and
        /// the next size line when needed; null after the last chunk (trailers discarded, body finished).
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<long?> GetChunkLeftCore(bool async, Transport transport, CancellationToken cancellationToken)
        {
            long? left = _chunkLeft;
            if (left is null || left == 0)
            {
                if (left == 0)
                {
                    // CPython reads the 2 bytes after the chunk data without checking that they are CRLF.
                    int skipped = await transport.SkipAsync(async, 2, cancellationToken).ConfigureAwait(false);
                    if (skipped < 2)
                    {
                        throw new IncompleteReadException(Array.Empty<byte>(), 2 - skipped);
                    }
                }
                int length = await ResponseParser.ReadLineAsync(transport, async, "chunk size", cancellationToken).ConfigureAwait(false);
                long? size = ParseChunkSize(transport.BufferedSpan.Slice(0, length));
                transport.Consume(length);
                if (size is null)
                {
                    CloseConn(false);
                    throw new IncompleteReadException(Array.Empty<byte>());
                }
                if (size == 0)
                {
                    while (true)
                    {
                        int trailer = await ResponseParser.ReadLineAsync(transport, async, "trailer line", cancellationToken).ConfigureAwait(false);
                        bool end = trailer == 0 || ResponseParser.IsBlankLine(transport.BufferedSpan.Slice(0, trailer));
                        transport.Consume(trailer);
                        if (end)
                        {
                            break;
                        }
                    }
                    CloseConn(true);
                    left = null;
                }
                else
                {
                    left = size;
                }
                _chunkLeft = left;
            }
            return left;
        }

        /// <summary>Chunked read()/read(n). README difference 7: an IncompleteRead carries every body byte received.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<byte[]> ReadChunkedCore(bool async, Transport transport, long? amount, CancellationToken cancellationToken)
        {
            using var accumulator = new ByteAccumulator();
            try
            {
                while (true)
                {
                    long? left = await GetChunkLeftCore(async, transport, cancellationToken).ConfigureAwait(false);
                    if (left is not long chunkLeft)
                    {
                        break;
                    }
                    if (amount is long wanted && wanted <= chunkLeft)
                    {
                        await ReadChunkDataCore(async, transport, wanted, accumulator, cancellationToken).ConfigureAwait(false);
                        _chunkLeft = chunkLeft - wanted;
                        break;
                    }
                    await ReadChunkDataCore(async, transport, chunkLeft, accumulator, cancellationToken).ConfigureAwait(false);
                    if (amount is not null)
                    {
                        amount -= chunkLeft;
                    }
                    _chunkLeft = 0;
                }
                return accumulator.ToArray();
            }
            catch (IncompleteReadException)
            {
                throw new IncompleteReadException(accumulator.ToArray());
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private static async ValueTask ReadChunkDataCore(bool async, Transport transport, long count, ByteAccumulator accumulator, CancellationToken cancellationToken)
        {
            long remaining = count;
            while (remaining > 0)
            {
                Memory<byte> space = accumulator.GetMemory((int)Math.Min(remaining, PreallocateLimit));
                int read = await transport.ReadAsync(async, space.Slice(0, (int)Math.Min(space.Length, remaining)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IncompleteReadException(Array.Empty<byte>(), remaining);
                }
                accumulator.Advance(read);
                remaining -= read;
            }
        }

        /// <summary>Sync span twin of ReadIntoChunkedCore (no rented copy).</summary>
        private int ReadIntoChunkedSync(Transport transport, Span<byte> destination)
        {
            int total = 0;
            try
            {
                while (true)
                {
                    long? left = GetChunkLeftCore(false, transport, default).GetAwaiter().GetResult();
                    if (left is not long chunkLeft)
                    {
                        return total;
                    }
                    int wanted = destination.Length - total;
                    int piece = (int)Math.Min(wanted, chunkLeft);
                    int got = transport.ReadExactlyOrEof(destination.Slice(total, piece));
                    total += got;
                    if (got < piece)
                    {
                        throw new IncompleteReadException(Array.Empty<byte>(), piece - got);
                    }
                    if (wanted <= chunkLeft)
                    {
                        _chunkLeft = chunkLeft - got;
                        return total;
                    }
                    _chunkLeft = 0;
                }
            }
            catch (IncompleteReadException)
            {
                throw new IncompleteReadException(destination.Slice(0, total).ToArray());
            }
        }

        /// <summary>Chunked readinto: fills across chunks. README difference 7: partial chunk bytes count as received.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> ReadIntoChunkedCore(bool async, Transport transport, Memory<byte> destination, CancellationToken cancellationToken)
        {
            int total = 0;
            try
            {
                while (true)
                {
                    long? left = await GetChunkLeftCore(async, transport, cancellationToken).ConfigureAwait(false);
                    if (left is not long chunkLeft)
                    {
                        return total;
                    }
                    int wanted = destination.Length - total;
                    if (wanted <= chunkLeft)
                    {
                        int read = await transport.ReadExactlyOrEofAsync(async, destination.Slice(total, wanted), cancellationToken).ConfigureAwait(false);
                        total += read;
                        if (read < wanted)
                        {
                            throw new IncompleteReadException(Array.Empty<byte>(), wanted - read);
                        }
                        _chunkLeft = chunkLeft - read;
                        return total;
                    }
                    int piece = (int)chunkLeft;
                    int got = await transport.ReadExactlyOrEofAsync(async, destination.Slice(total, piece), cancellationToken).ConfigureAwait(false);
                    total += got;
                    if (got < piece)
                    {
                        throw new IncompleteReadException(Array.Empty<byte>(), piece - got);
                    }
                    _chunkLeft = 0;
                }
            }
            catch (IncompleteReadException)
            {
                throw new IncompleteReadException(destination.Slice(0, total).ToArray());
            }
        }
    }
}
