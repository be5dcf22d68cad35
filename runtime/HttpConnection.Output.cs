using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Internal;

namespace Http.Client
{
    public partial class HttpConnection
    {
        /// <summary>
        /// A body up to this size travels in the same transport write as the head (one packet for small requests);
        /// larger ones follow in <see cref="BlockSize"/> pieces.
        /// </summary>
        private const int CombinedWriteThreshold = 16 * 1024;

        private static ReadOnlySpan<byte> LastChunk => "0\r\n\r\n"u8;

        /// <summary>CPython's debug lines for this connection (off unless <see cref="DebugLevel"/> is above 0).</summary>
        private DebugLog Debug => new DebugLog(_debugLevel > 0 ? DebugOutput : null);

        private void WriteRequestHead(string method, string url, bool skipHost, bool skipAcceptEncoding)
        {
            _head.WriteRequestLine(method, url);
            if (!skipHost)
            {
                _head.WriteHeader(HeaderNames.Host, HostHeaderValue(url));
            }
            if (!skipAcceptEncoding)
            {
                _head.Append("Accept-Encoding: identity\r\n"u8);
            }
        }

        /// <summary>CPython's Host value: the URL's netloc for absolute http URLs, else the (tunnel) host and port.</summary>
        private string HostHeaderValue(string url)
        {
            string netloc = url.StartsWith("http", StringComparison.Ordinal) ? HttpSyntax.UrlNetloc(url) : "";
            if (netloc.Length > 0)
            {
                return StripIpv6Zone(netloc);
            }
            if (_hostHeaderValue is string cached)
            {
                return cached;
            }
            int port = _tunnelHost is null ? Port : _tunnelPort;
            string host = UriHost(_tunnelHost ?? Host);
            _hostHeaderValue = port == _defaultPort ? host : host + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return _hostHeaderValue;
        }

        /// <summary>A host as a Host header or CONNECT authority names it: IDNA-encoded, IPv6 in brackets without its zone.</summary>
        private static string UriHost(string host)
        {
            string encoded = HttpSyntax.ToAsciiHost(host);
            return host.Contains(':') ? StripIpv6Zone("[" + encoded + "]") : encoded;
        }

        /// <summary>
        /// CPython's _strip_ipv6_iface: <c>[fe80::1%eth0]</c> becomes <c>[fe80::1]</c> (whatever followed the zone is
        /// dropped, as CPython does). A <c>%</c> outside brackets is left alone (CPython fails an assertion there).
        /// </summary>
        private static string StripIpv6Zone(string host)
        {
            int percent = host.IndexOf('%');
            if (percent < 0 || host[0] != '[')
            {
                return host;
            }
            return string.Concat(host.AsSpan(0, percent), "]");
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
        /// Writes the buffered head and the body (CPython's _send_output). Output collects in <c>_head</c> and leaves in
        /// as few writes as the body allows: a bytes body up to <see cref="CombinedWriteThreshold"/> (framing and last chunk
        /// included) joins the head; streams, readers and chunk sequences go out piece by piece as they are read.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendOutputCore(bool async, RequestBody? body, bool chunked, CancellationToken cancellationToken)
        {
            _head.AppendCrlf();
            await EnsureOpenCore(async, cancellationToken).ConfigureAwait(false);
            _replay = RetryStaleConnection && _transport!.Served && IsIdempotent(_method) && body is null or { Kind: RequestBodyKind.Bytes }
                ? new Replay(_head.WrittenSpan.ToArray(), body, chunked, _transport!, _transport!.Received)
                : null;
            await SendRequestCore(async, body, chunked, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The head in <c>_head</c> and the body, on the open (or auto-opened) transport.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendRequestCore(bool async, RequestBody? body, bool chunked, CancellationToken cancellationToken)
        {
            await EnsureOpenCore(async, cancellationToken).ConfigureAwait(false);
            Transport transport = _transport!;
            DebugLog debug = Debug;
            _withheldBody = WithheldBody.None;
            try
            {
                debug.Send(_head.WrittenSpan);
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
                        debug.Send(LastChunk);
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

        /// <summary>A request body not sent because a final response came before <c>100 Continue</c>: how its framing ends.</summary>
        private enum WithheldBody
        {
            /// <summary>The body was sent (or there was none).</summary>
            None,

            /// <summary>A Content-Length (or unframed) body: the server still expects its bytes, so the transport closes after the response.</summary>
            Sized,

            /// <summary>A chunked body: the empty last chunk ends it, and the transport may carry the next request.</summary>
            Chunked,
        }

        private static ReadOnlySpan<byte> ExpectContinueValue => "100-continue"u8;

        /// <summary>An <c>Expect</c> header asking for <c>100 Continue</c> (name and value in any case, value trimmed of spaces and tabs).</summary>
        private static bool IsExpectContinue(string name, string? value) =>
            value is not null && name.Equals(HeaderNames.Expect, StringComparison.OrdinalIgnoreCase)
            && value.AsSpan().Trim(" \t").Equals("100-continue", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// After an <c>Expect: 100-continue</c> head: watches what the server sends for up to <see cref="ExpectContinueTimeout"/>
        /// (and never longer than <see cref="Timeout"/>), consuming nothing: <see cref="GetResponse"/> reads it all as usual.
        /// True (send the body) on <c>100 Continue</c> or silence; false (withhold it) on a final response, on another 1xx
        /// that <see cref="GetResponse"/> would return as final (no <see cref="InterimResponseReceived"/>), on the end of
        /// the stream or a read failure (which the response read then reports). An interim response delivered to
        /// <see cref="InterimResponseReceived"/> (103 Early Hints) does not release the body: only 100 does.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<bool> ServerLetsBodyGoCore(bool async, Transport transport, CancellationToken cancellationToken)
        {
            TimeSpan delay = Timeout is TimeSpan limit && limit < ExpectContinueTimeout ? limit : ExpectContinueTimeout;
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            DebugLog debug = Debug;
            while (true)
            {
                ContinueAnswer answer = transport.AtEnd ? ContinueAnswer.Final
                    : ReadContinueAnswer(transport.BufferedSpan, InterimResponseReceived is not null, Limits.MaxLineLength);
                if (answer != ContinueAnswer.NeedMore)
                {
                    debug.Line(answer == ContinueAnswer.Continue
                        ? "expect: 100 Continue, sending the body"
                        : "expect: the server answered before 100 Continue, body withheld");
                    return answer == ContinueAnswer.Continue;
                }
                TimeSpan left = delay - System.Diagnostics.Stopwatch.GetElapsedTime(start);
                TransportWait wait = left > TimeSpan.Zero
                    ? await transport.WaitForBytesAsync(async, left, cancellationToken).ConfigureAwait(false)
                    : TransportWait.Quiet;
                if (wait == TransportWait.Quiet)
                {
                    debug.Line("expect: no 100 Continue within " + ((long)delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms, sending the body");
                    return true;
                }
                if (wait == TransportWait.Stopped)
                {
                    debug.Line("expect: the server answered before 100 Continue, body withheld");
                    return false;
                }
            }
        }

        private enum ContinueAnswer
        {
            NeedMore,
            Continue,
            Final,
        }

        /// <summary>
        /// What the server has said so far to an <c>Expect: 100-continue</c> head, judged from the bytes received (none
        /// consumed): <c>100</c>, a final response (or anything the response read will reject), or not yet known. With
        /// <paramref name="skipInterim"/>, other 1xx heads (101 excepted) are passed over whole, as the response read delivers them.
        /// </summary>
        private static ContinueAnswer ReadContinueAnswer(ReadOnlySpan<byte> received, bool skipInterim, int maxLine)
        {
            int position = 0;
            while (true)
            {
                int length = NextLine(received.Slice(position), maxLine);
                if (length <= 0)
                {
                    return length == 0 ? ContinueAnswer.NeedMore : ContinueAnswer.Final;
                }
                int status;
                try
                {
                    status = ResponseHeadDecoder.ParseStatusLine(received.Slice(position, length)).Status;
                }
                catch (HttpException)
                {
                    return ContinueAnswer.Final; // a bad status line: the response read reports it
                }
                position += length;
                if (status == 100)
                {
                    return ContinueAnswer.Continue;
                }
                if (!skipInterim || status >= 200 || status == 101)
                {
                    return ContinueAnswer.Final;
                }
                while (true)
                {
                    length = NextLine(received.Slice(position), maxLine);
                    if (length <= 0)
                    {
                        return length == 0 ? ContinueAnswer.NeedMore : ContinueAnswer.Final;
                    }
                    position += length;
                    if (ResponseHeadDecoder.IsBlankLine(received.Slice(position - length, length)))
                    {
                        break;
                    }
                }
            }
        }

        /// <summary>The length of the complete line at the start of <paramref name="rest"/>; 0 when incomplete, -1 when too long.</summary>
        private static int NextLine(ReadOnlySpan<byte> rest, int maxLine)
        {
            int scanned = 0;
            try
            {
                return Math.Max(ResponseHeadDecoder.FindLine(rest, ref scanned, false, maxLine, "status line"), 0);
            }
            catch (LineTooLongException)
            {
                return -1;
            }
        }

        /// <summary>
        /// After the final response to a request whose body was withheld: true when the request's framing is complete on
        /// the wire, so the transport may carry the next request. A chunked body is ended with the empty last chunk when
        /// the response keeps the connection; a sized body leaves the server expecting its bytes, so the transport closes.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<bool> EndWithheldBodyCore(bool async, Transport transport, bool responseCloses)
        {
            WithheldBody withheld = _withheldBody;
            _withheldBody = WithheldBody.None;
            if (withheld != WithheldBody.Chunked || responseCloses)
            {
                return false;
            }
            Debug.Send(LastChunk);
            _head.Append(LastChunk);
            try
            {
                // Not cancellable: five bytes that keep the connection, after the response the caller asked for has arrived.
                await FlushCore(async, transport, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException)
            {
                return false; // the transport closes after the response
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

        private static bool IsIdempotent(string? method) => method is not null
            && (method.Equals("GET", StringComparison.OrdinalIgnoreCase) || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase)
                || method.Equals("OPTIONS", StringComparison.OrdinalIgnoreCase) || method.Equals("TRACE", StringComparison.OrdinalIgnoreCase)
                || method.Equals("PUT", StringComparison.OrdinalIgnoreCase) || method.Equals("DELETE", StringComparison.OrdinalIgnoreCase));

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
            await SendRequestCore(async, replay.Body, replay.Chunked, cancellationToken).ConfigureAwait(false);
            return _transport ?? throw new NotConnectedException("The connection has no open transport.");
        }

        /// <summary>A streamed body: each piece is sent (and shown) as soon as it is read, as CPython's send loop does.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendPiecesCore(bool async, Transport transport, RequestBody body, bool chunked, CancellationToken cancellationToken)
        {
            switch (body.Kind)
            {
                case RequestBodyKind.Stream:
                    Debug.Line("reading a readable");
                    await SendStreamPiecesCore(async, transport, (Stream)body.Source!, chunked, cancellationToken).ConfigureAwait(false);
                    break;
                case RequestBodyKind.Reader:
                    await SendReaderPiecesCore(async, transport, (TextReader)body.Source!, chunked, cancellationToken).ConfigureAwait(false);
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

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendStreamPiecesCore(bool async, Transport transport, Stream source, bool chunked, CancellationToken cancellationToken)
        {
            byte[] block = ArrayPool<byte>.Shared.Rent(BlockSize);
            try
            {
                while (true)
                {
                    int read = async
                        ? await source.ReadAsync(block.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false)
                        : source.Read(block, 0, BlockSize);
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
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendReaderPiecesCore(bool async, Transport transport, TextReader source, bool chunked, CancellationToken cancellationToken)
        {
            Debug.Line("reading a readable");
            Debug.Line("encoding file using iso-8859-1");
            char[] chars = ArrayPool<char>.Shared.Rent(BlockSize);
            byte[] bytes = ArrayPool<byte>.Shared.Rent(BlockSize);
            try
            {
                while (true)
                {
                    int read = async
                        ? await source.ReadAsync(chars.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false)
                        : source.Read(chars, 0, BlockSize);
                    if (read == 0)
                    {
                        break;
                    }
                    int bad = chars.AsSpan(0, read).IndexOfAnyExceptInRange('\0', '\xff');
                    if (bad >= 0)
                    {
                        throw HttpSyntax.Latin1Error(new string(chars, 0, read), bad);
                    }
                    int count = Encoding.Latin1.GetBytes(chars, 0, read, bytes, 0);
                    await SendStreamedPieceCore(async, transport, bytes.AsMemory(0, count), chunked, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
                ArrayPool<byte>.Shared.Return(bytes);
            }
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

        /// <summary>
        /// One body piece as CPython's send() sees it: shown once (framed when chunked), empty pieces skipped. Its framing,
        /// and the piece itself up to <paramref name="copyLimit"/> bytes, join the output pending in <c>_head</c>; a larger
        /// piece goes out from the caller's memory in <see cref="BlockSize"/> writes, never copied.
        /// </summary>
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

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendMemoryCore(bool async, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            await EnsureOpenCore(async, cancellationToken).ConfigureAwait(false);
            try
            {
                Debug.Send(data.Span);
                await _transport!.WriteAsync(async, data, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsAbort(e))
            {
                Close();
                throw;
            }
        }

        /// <summary>CPython's send() of a file object: <c>send: &lt;obj&gt;</c>, then one write per block.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendStreamCore(bool async, Stream data, CancellationToken cancellationToken)
        {
            await EnsureOpenCore(async, cancellationToken).ConfigureAwait(false);
            Debug.Send(data);
            Debug.Line("sending a readable");
            try
            {
                await SendStreamPiecesCore(async, _transport!, data, false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsAbort(e))
            {
                Close();
                throw;
            }
        }
    }
}
