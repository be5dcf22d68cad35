namespace Http.Client
{
    /// <summary>
    /// The response's body machinery: the head read (CPython's begin()), then two primitives every read is written
    /// over: the readable window of the current body frame (<see cref="WindowCore"/>) and consuming bytes of it
    /// (<see cref="Consume"/>); reads into the caller's memory copy every buffered frame at once (<see cref="TryCopy"/>)
    /// or read a large body straight into it; and the one failure rule.
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

        /// <summary>
        /// Copies buffered body bytes into <paramref name="destination"/> from <paramref name="total"/> on, without I/O:
        /// every buffered chunk in one call (one window for the other framings), added to <paramref name="total"/>. False
        /// when the transport must be filled before the body can go on.
        /// </summary>
        private bool TryCopy(Span<byte> destination, ref int total)
        {
            Transport transport = _transport!;
            int consumed = 0;
            BodyStatus status;
            try
            {
                status = _body.Copy(transport.BufferedSpan, transport.AtEnd, destination, ref consumed, ref total);
            }
            catch (Exception e) when (OnReadFailure(e))
            {
                throw;
            }
            transport.Consume(consumed);
            if (status == BodyStatus.Finished)
            {
                CloseConn(true);
            }
            return status != BodyStatus.NeedMore;
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

        /// <summary>
        /// Reads into <paramref name="destination"/> until it is full (or, unless <paramref name="untilFull"/>, after
        /// the first step: one direct read or what is buffered) or the body has no more data. Buffered chunks are copied
        /// without I/O or async machinery. docs/differences.md #7: an IncompleteRead carries every byte read.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> FillCore(bool async, Memory<byte> destination, bool untilFull, CancellationToken cancellationToken)
        {
            int total = 0;
            try
            {
                while (total < destination.Length && _transport is not null)
                {
                    int before = total;
                    int direct = DirectReadLength(destination.Length - total);
                    if (direct > 0)
                    {
                        total += Received(await _transport.ReceiveAsync(async, destination.Slice(total, direct), cancellationToken).ConfigureAwait(false));
                    }
                    if (total == before && !TryCopy(destination.Span, ref total))
                    {
                        await WindowCore(async, true, cancellationToken).ConfigureAwait(false);
                    }
                    else if (total == before || !untilFull)
                    {
                        break;
                    }
                }
            }
            catch (IncompleteReadException)
            {
                throw new IncompleteReadException(destination.Slice(0, total).ToArray());
            }
            catch (Exception e) when (OnReadFailure(e)) // a failed direct read (the rule is idempotent)
            {
                throw;
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
                    int read = await FillCore(async, space.Slice(0, (int)Math.Min(space.Length, limit - accumulator.Length)), false, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }
                    accumulator.Advance(read);
                }
            }
            catch (IncompleteReadException e)
            {
                accumulator.Append(e.Partial); // the failed step's bytes, already in place
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
