using System.Buffers;
using System.Collections.Generic;
using System.Text;

namespace Http.Client
{
    public partial class HttpConnection
    {
        // A body up to this size travels in the same write as the head (one packet for small requests).
        private const int CombinedWriteThreshold = 16 * 1024;

        private static ReadOnlySpan<byte> LastChunk => "0\r\n\r\n"u8;

        private DebugLog Debug => new DebugLog(DebugWriter);

        private TextWriter? DebugWriter => DebugLevel > 0 ? DebugOutput : null;

        /// <summary>CPython's Host value: the URL's netloc for absolute http URLs, else the (tunnel) host and port.</summary>
        private string HostHeaderValue(string url)
        {
            string netloc = url.StartsWith("http", StringComparison.Ordinal) ? HttpSyntax.UrlNetloc(url) : "";
            if (netloc.Length > 0)
            {
                return StripIpv6Zone(netloc);
            }
            return _hostHeaderValue ??= ServerPort == _defaultPort
                ? UriHost(ServerHost)
                : UriHost(ServerHost) + ":" + ServerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>A host as a Host header or CONNECT authority names it: IDNA-encoded, IPv6 in brackets without its zone.</summary>
        private static string UriHost(string host)
        {
            string encoded = HttpSyntax.ToAsciiHost(host);
            return host.Contains(':') ? StripIpv6Zone("[" + encoded + "]") : encoded;
        }

        /// <summary>CPython's _strip_ipv6_iface: <c>[fe80::1%eth0]x</c> becomes <c>[fe80::1]</c>; a <c>%</c> outside brackets
        /// is left alone (CPython fails an assertion there).</summary>
        private static string StripIpv6Zone(string host)
        {
            int percent = host.IndexOf('%');
            return percent < 0 || host[0] != '[' ? host : string.Concat(host.AsSpan(0, percent), "]");
        }

        /// <summary>Opens the transport if there is none (auto-open). A failure leaves the state Idle (docs/differences.md #2).</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask EnsureOpenCore(bool async, CancellationToken cancellationToken)
        {
            if (IsConnected)
            {
                return;
            }
            _transport = null;
            try
            {
                _transport = await OpenTransportCore(async, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                RejectRequest(e);
                throw;
            }
        }

        /// <summary>
        /// The head in <c>_head</c> and the body, on the open transport, in as few writes as the body
        /// allows: a bytes body up to <see cref="CombinedWriteThreshold"/> (framing and last chunk included) joins the
        /// head; streams, readers and chunk sequences go out piece by piece as they are read.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendRequestCore(bool async, RequestBody? body, bool chunked, CancellationToken cancellationToken)
        {
            Transport transport = _transport!;
            _withheldBody = WithheldBody.None;
            try
            {
                Debug.Send(_head.WrittenSpan);
                if (_requestExpectsContinue && body is not null && body.KnownLength != 0)
                {
                    // The head goes alone; the body waits for the server's word (docs/differences.md #42).
                    await FlushCore(async, transport, cancellationToken).ConfigureAwait(false);
                    if (!await ServerLetsBodyGoCore(async, transport, cancellationToken).ConfigureAwait(false))
                    {
                        _withheldBody = chunked ? WithheldBody.Chunked : WithheldBody.Sized;
                        body = null;
                    }
                }
                if (body is not null)
                {
                    if (body.Kind == RequestBodyKind.Bytes)
                    {
                        await SendPieceCore(async, transport, body.Bytes, chunked, CombinedWriteThreshold, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await FlushCore(async, transport, cancellationToken).ConfigureAwait(false);
                        await SendPiecesCore(async, transport, body, chunked, cancellationToken).ConfigureAwait(false);
                    }
                    if (chunked)
                    {
                        Debug.Send(LastChunk);
                        _head.Append(LastChunk);
                    }
                }
                await FlushCore(async, transport, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsAbort(e) || e is not IOException)
            {
                // A timeout or cancellation (docs/differences.md #4), or a failing body source (the request is cut short):
                // the transport cannot carry another request.
                EndRequestTelemetry(0, e);
                Close();
                throw;
            }
            finally
            {
                _head.Clear();
            }
        }

        /// <summary>What <see cref="RetryStaleConnection"/> needs to send a request again: its head, its replayable body, and
        /// the transport it went out on with the count of bytes received from it by then.</summary>
        private sealed record Replay(byte[] Head, RequestBody? Body, bool Chunked, Transport Transport, long Received);

        private Replay? _replay;

        /// <summary>True when the request may go again: it was sent for replay on <paramref name="transport"/>, which the
        /// server closed (or reset) before a single byte of the response arrived.</summary>
        private bool IsStale(Exception error, Transport transport) =>
            _replay is { } replay && ReferenceEquals(replay.Transport, transport) && transport.Received == replay.Received
            && error is RemoteDisconnectedException or (IOException and not HttpException);

        /// <summary>Sends the request again, once, on a new transport; returns that transport.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<Transport> ResendCore(bool async, CancellationToken cancellationToken)
        {
            Replay replay = _replay!;
            _replay = null;
            _transport = null;
            replay.Transport.Close();
            Debug.Line("retrying on a new connection: the kept-alive one was closed by the server");
            _head.Clear();
            _head.Append(replay.Head);
            await EnsureOpenCore(async, cancellationToken).ConfigureAwait(false);
            await SendRequestCore(async, replay.Body, replay.Chunked, cancellationToken).ConfigureAwait(false);
            return _transport ?? throw new NotConnectedException("The connection has no open transport.");
        }

        /// <summary>A streamed body: each piece is sent (and shown) as soon as it is read, as CPython's send loop does.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendPiecesCore(bool async, Transport transport, RequestBody body, bool chunked, CancellationToken cancellationToken)
        {
            switch (body.Kind)
            {
                case RequestBodyKind.Stream or RequestBodyKind.Reader:
                    Debug.Line("reading a readable");
                    if (body.Kind == RequestBodyKind.Reader)
                    {
                        Debug.Line("encoding file using iso-8859-1");
                    }
                    await SendReadablePiecesCore(async, transport, body.Source!, chunked, cancellationToken).ConfigureAwait(false);
                    break;
                case RequestBodyKind.MemoryChunks:
                    foreach (ReadOnlyMemory<byte> piece in (IEnumerable<ReadOnlyMemory<byte>>)body.Source!)
                    {
                        await SendStreamedPieceCore(async, transport, piece, chunked, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                case RequestBodyKind.ArrayChunks:
                    foreach (byte[]? piece in (IEnumerable<byte[]?>)body.Source!)
                    {
                        await SendStreamedPieceCore(async, transport, piece, chunked, cancellationToken).ConfigureAwait(false);
                    }
                    break;
                case RequestBodyKind.AsyncChunks:
                    await SendAsyncPiecesCore(async, transport, (IAsyncEnumerable<ReadOnlyMemory<byte>>)body.Source!, chunked, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        /// <summary>Sends a readable body (a <see cref="Stream"/>, or a <see cref="TextReader"/> encoded as ISO-8859-1) in
        /// <see cref="BlockSize"/> pieces.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendReadablePiecesCore(bool async, Transport transport, object source, bool chunked, CancellationToken cancellationToken)
        {
            byte[] block = ArrayPool<byte>.Shared.Rent(BlockSize);
            char[]? chars = source is TextReader ? ArrayPool<char>.Shared.Rent(BlockSize) : null;
            try
            {
                while (true)
                {
                    int read = await ReadBlockCore(async, source, block, chars, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }
                    await SendStreamedPieceCore(async, transport, block.AsMemory(0, read), chunked, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(block);
                if (chars is not null)
                {
                    ArrayPool<char>.Shared.Return(chars);
                }
            }
        }

        /// <summary>Reads up to <see cref="BlockSize"/> bytes into <paramref name="block"/>; a reader's characters go through
        /// <paramref name="chars"/> and must be ISO-8859-1.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> ReadBlockCore(bool async, object source, byte[] block, char[]? chars, CancellationToken cancellationToken)
        {
            if (source is Stream stream)
            {
                return async
                    ? await stream.ReadAsync(block.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false)
                    : stream.Read(block, 0, BlockSize);
            }
            TextReader reader = (TextReader)source;
            int read = async
                ? await reader.ReadAsync(chars.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false)
                : reader.Read(chars!, 0, BlockSize);
            int bad = chars.AsSpan(0, read).IndexOfAnyExceptInRange('\0', '\xff');
            if (bad >= 0)
            {
                throw HttpSyntax.Latin1Error(new string(chars!, 0, read), bad);
            }
            return Encoding.Latin1.GetBytes(chars!, 0, read, block, 0);
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendAsyncPiecesCore(bool async, Transport transport, IAsyncEnumerable<ReadOnlyMemory<byte>> source, bool chunked, CancellationToken cancellationToken)
        {
            IAsyncEnumerator<ReadOnlyMemory<byte>> enumerator = source.GetAsyncEnumerator(cancellationToken);
            try
            {
                while (async ? await enumerator.MoveNextAsync().ConfigureAwait(false) : enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                {
                    await SendStreamedPieceCore(async, transport, enumerator.Current, chunked, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (async)
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
        }

        /// <summary>One piece of a streamed body, on the wire before the next is read: one write per chunk when chunked.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendStreamedPieceCore(bool async, Transport transport, ReadOnlyMemory<byte> piece, bool chunked, CancellationToken cancellationToken)
        {
            // Unframed pieces go straight out (copy limit 0: nothing is queued, and _head, where Send(Stream) may find a
            // head being built, is left alone); a chunk is framed in _head and leaves in one write.
            await SendPieceCore(async, transport, piece, chunked, chunked ? BlockSize : 0, cancellationToken).ConfigureAwait(false);
            if (chunked)
            {
                await FlushCore(async, transport, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>One body piece as CPython's send() sees it (shown once, framed when chunked; empty skipped). A piece up to
        /// <paramref name="copyLimit"/> joins the output in <c>_head</c>; a larger one goes out from the caller's memory.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendPieceCore(bool async, Transport transport, ReadOnlyMemory<byte> piece, bool chunked, int copyLimit, CancellationToken cancellationToken)
        {
            if (piece.IsEmpty)
            {
                Debug.Line("Zero length chunk ignored");
                return;
            }
            int framing = _head.Length;
            if (chunked)
            {
                _head.AppendChunkSizeLine(piece.Length);
            }
            Debug.Send(_head.WrittenSpan.Slice(framing), piece.Span, chunked ? "\r\n"u8 : default);
            if (piece.Length <= copyLimit)
            {
                _head.Append(piece.Span);
            }
            else
            {
                if (copyLimit > 0)
                {
                    await FlushCore(async, transport, cancellationToken).ConfigureAwait(false);
                }
                for (int offset = 0; offset < piece.Length; offset += BlockSize)
                {
                    await transport.WriteAsync(async, piece.Slice(offset, Math.Min(BlockSize, piece.Length - offset)), cancellationToken).ConfigureAwait(false);
                }
            }
            if (chunked)
            {
                _head.AppendCrlf();
            }
        }

        /// <summary>Writes the output pending in <c>_head</c>, if any, in one write.</summary>
        private ValueTask FlushCore(bool async, Transport transport, CancellationToken cancellationToken)
        {
            if (_head.Length == 0)
            {
                return default;
            }
            ReadOnlyMemory<byte> pending = _head.Written;
            _head.Clear();
            return transport.WriteAsync(async, pending, cancellationToken);
        }

        /// <summary>Send(...) of raw bytes or of a stream (one write per block). No state check; a timeout or cancellation
        /// closes the connection.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendRawCore(bool async, ReadOnlyMemory<byte> data, Stream? stream, CancellationToken cancellationToken)
        {
            await EnsureOpenCore(async, cancellationToken).ConfigureAwait(false);
            try
            {
                if (stream is null)
                {
                    Debug.Send(data.Span);
                    await _transport!.WriteAsync(async, data, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    Debug.Line("send: ", stream); // CPython prints a file object it is given, not its bytes
                    Debug.Line("sending a readable");
                    await SendReadablePiecesCore(async, _transport!, stream, false, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (IsAbort(e))
            {
                Close();
                throw;
            }
        }
    }
}
