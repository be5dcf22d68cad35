namespace Http.Client
{
    /// <summary>
    /// The response's body machinery: the head read (CPython's begin()), then two primitives every read is written
    /// over: the readable window of the current body frame (<see cref="WindowCore"/>) and consuming bytes of it
    /// (<see cref="Consume"/>); with the direct read of a large body into the caller's memory and the one failure rule.
    /// The framing is known only to <see cref="BodyDecoder"/>.
    /// </summary>
    public sealed partial class HttpResponse
    {
        /// <summary>Reads the status line(s) and headers and chooses the body framing (CPython's begin()).</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        internal async ValueTask BeginCore(bool async, string? method, HttpConnectionLimits limits, TextWriter? debug, CancellationToken cancellationToken)
        {
            Action<InterimResponse>? onInterim = _connection?.InterimResponseReceived;
            var decoder = new ResponseHeadDecoder(limits, tunnel: false, debug, _connection?.PreviousHeaders, deliverInterim: onInterim is not null);
            ResponseHeadDecoder head = await _transport!.ReadHeadAsync(async, decoder, limits, cancellationToken, onInterim).ConfigureAwait(false);
            Status = head.Status;
            Reason = head.Reason;
            Version = head.Version;
            Headers = head.Headers!;
            _connection?.PreviousHeaders = Headers;
            _body = BodyDecoder.For(Status, Version, method == "HEAD", Headers, limits, out bool willClose);
            WillClose = willClose;
        }

        /// <summary>
        /// Primitive 1, the readable window of the current body frame: decodes framing (reading as needed) until body
        /// bytes are buffered and returns how many (at the start of the transport's buffer); 0 when the body has no more
        /// data. With <paramref name="wantData"/> false it stops at the start of a data frame without reading (CPython's
        /// <c>_get_chunk_left</c> alone). Every read failure passes <see cref="OnReadFailure"/> here.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> WindowCore(bool async, bool wantData, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (TryWindow(out int window) || (!wantData && _body.DataRemaining > 0))
                {
                    return window;
                }
                Transport transport = _transport!;
                try
                {
                    await transport.FillAsync(async, _body.MaxLineLength + 1, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (OnReadFailure(e))
                {
                    throw;
                }
            }
        }

        /// <summary>
        /// The window from what is already buffered, without I/O (the usual case, so no async machinery runs): true with
        /// the window (0 when the body has no more data); false when the transport must be filled first.
        /// </summary>
        private bool TryWindow(out int window)
        {
            Transport transport = _transport!;
            BodyStatus status;
            try
            {
                status = _body.Decode(transport.BufferedSpan, transport.AtEnd, out int framing, out window);
                transport.Consume(framing);
            }
            catch (Exception e) when (OnReadFailure(e))
            {
                throw;
            }
            if (status == BodyStatus.Finished)
            {
                CloseConn(true); // the last chunk: CPython closes the "file" here
            }
            return status != BodyStatus.NeedMore;
        }

        /// <summary>Primitive 2: takes <paramref name="count"/> bytes of the window.</summary>
        private void Consume(int count)
        {
            _transport!.Consume(count);
            _body.Consumed(count);
        }

        /// <summary>Copies up to <paramref name="window"/> buffered body bytes into <paramref name="destination"/> and consumes them.</summary>
        private int CopyWindow(Span<byte> destination, int window)
        {
            int take = Math.Min(window, destination.Length);
            if (take > 0)
            {
                _transport!.BufferedSpan.Slice(0, take).CopyTo(destination);
                Consume(take);
            }
            return take;
        }

        /// <summary>
        /// How many bytes to read straight from the stream into the caller's memory (0: through the buffer): only with
        /// nothing buffered and at least <see cref="DirectReadMinimum"/> bytes of the current frame wanted.
        /// </summary>
        private int DirectReadLength(int destinationLength)
        {
            long length = Math.Min(destinationLength, _body.DataRemaining);
            return _transport!.Buffered == 0 && length >= DirectReadMinimum ? (int)length : 0;
        }

        /// <summary>Books a direct read; 0 (the stream ended) is left for the decoder to judge.</summary>
        private int Received(int count)
        {
            _body.Consumed(count);
            return count;
        }

        /// <summary>One step of a read into memory: one direct read, or one window's worth. 0 when the body has no more data.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> ReadSomeCore(bool async, Memory<byte> destination, CancellationToken cancellationToken)
        {
            int direct = DirectReadLength(destination.Length);
            if (direct > 0)
            {
                int read;
                try
                {
                    read = await _transport!.ReceiveAsync(async, destination.Slice(0, direct), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (OnReadFailure(e))
                {
                    throw;
                }
                if (read > 0)
                {
                    return Received(read);
                }
            }
            if (!TryWindow(out int window))
            {
                window = await WindowCore(async, true, cancellationToken).ConfigureAwait(false);
            }
            return CopyWindow(destination.Span, window);
        }

        /// <summary>
        /// Reads into <paramref name="destination"/> until it is full (or, unless <paramref name="untilFull"/>, after
        /// the first step) or the body has no more data. docs/differences.md #7: an IncompleteRead carries every byte read.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> FillCore(bool async, Memory<byte> destination, bool untilFull, CancellationToken cancellationToken)
        {
            int total = 0;
            try
            {
                while (total < destination.Length)
                {
                    // Buffered data is copied here, without a state machine per frame; ReadSomeCore does the rest.
                    int read = DirectReadLength(destination.Length - total) == 0 && TryWindow(out int window)
                        ? CopyWindow(destination.Span.Slice(total), window)
                        : await ReadSomeCore(async, destination.Slice(total), cancellationToken).ConfigureAwait(false);
                    total += read;
                    if (read == 0 || !untilFull)
                    {
                        break;
                    }
                }
            }
            catch (IncompleteReadException)
            {
                throw new IncompleteReadException(destination.Slice(0, total).ToArray());
            }
            return total;
        }

        /// <summary>Reads until <paramref name="limit"/> bytes are in <paramref name="accumulator"/> or the body has no more data; grows with what arrives.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask AccumulateCore(bool async, ByteAccumulator accumulator, long limit, CancellationToken cancellationToken)
        {
            try
            {
                while (accumulator.Length < limit)
                {
                    if (accumulator.Length == Array.MaxLength)
                    {
                        var tooLarge = new InvalidOperationException("The body is too large for one array; read it as a stream.");
                        OnReadFailure(tooLarge);
                        throw tooLarge;
                    }
                    int hint = (int)Math.Min(limit - accumulator.Length, Math.Min(_body.DataRemaining, PreallocateLimit));
                    Memory<byte> space = accumulator.GetMemory(hint);
                    int read = await ReadSomeCore(async, space.Slice(0, (int)Math.Min(space.Length, limit - accumulator.Length)), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }
                    accumulator.Advance(read);
                }
            }
            catch (IncompleteReadException)
            {
                throw new IncompleteReadException(accumulator.ToArray());
            }
        }

        /// <summary>
        /// CPython's bookkeeping after read(amt), readinto, read1 and readline: an empty result for a non-empty request
        /// ends the body; a used-up Content-Length finishes it (read(amt) and readinto only; read1 and readline leave it).
        /// </summary>
        private int AfterRead(int count, int requested, bool finishAtLength)
        {
            if (count == 0 && requested != 0)
            {
                CloseConn(false);
            }
            else if (finishAtLength && _body.Length == 0)
            {
                CloseConn(true);
            }
            return count;
        }

        /// <summary>A read size clipped to what is left of a Content-Length body.</summary>
        private int ClipToLength(int size) => _body.Length is long length && (size < 0 || size > length) ? (int)length : size;

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
        /// The one failure rule, run as an exception filter (so it never catches): a failed read leaves the stream
        /// position unknown, so the transport closes (later reads see the end; docs/differences.md #24); a timeout or
        /// cancellation also closes the response and the connection (docs/differences.md #4); an error after which CPython
        /// closes the connection ends the body.
        /// </summary>
        private bool OnReadFailure(Exception e)
        {
            Transport? transport = _transport;
            if (transport is not null)
            {
                transport.Close();
                if (_body.LostSync)
                {
                    _transport = null;
                }
                if (HttpConnection.IsAbort(e))
                {
                    _transport = null;
                    _connection?.OnResponseAborted(transport);
                }
            }
            return false;
        }
    }
}
