/*
 * Body decoder: the framing of one response body, chosen once after the head (For), then driven on buffered bytes.
 * No I/O, no async, no allocation. Framings: None (HEAD, 1xx, 204, 304), ContentLength, Chunked, UntilClose.
 *
 * Contract. Decode(buffered, endOfStream, out framing, out window) looks at the receive buffer's unconsumed bytes,
 * steps over framing bytes (chunk-size lines, the CRLF after chunk data, trailers) and returns
 *   - Data: after the caller drops `framing` bytes, the next `window` (> 0) bytes are body data. The caller takes
 *     any n <= window of them and reports it with Consumed(n) (it may also read up to DataRemaining bytes of the
 *     current frame straight from the stream into its own memory and report those the same way);
 *   - NeedMore: drop `framing` bytes, add bytes, call again (the decoder remembers how far it searched a line);
 *   - Finished: the last chunk and its trailers were just read: the body is complete and the bytes after it belong
 *     to the next response (CPython closes the "file" here);
 *   - End: the body was already complete, has no data (None, a used-up Content-Length), or, for UntilClose, the
 *     stream ended; or, for ContentLength, the stream ended early (then IsTruncated is true).
 * Errors are thrown as CPython's: LineTooLongException ("chunk size", "trailer line"), IncompleteReadException with
 * no partial bytes (a chunked body cut short or a chunk-size line that does not parse; the caller adds the bytes it
 * read), HttpException for counts. LostSync is set when the error leaves the stream at an unknown position in a way
 * CPython answers by closing the connection.
 */
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Http.Client.Internal
{
    internal enum BodyStatus
    {
        Data,
        NeedMore,
        Finished,
        End,
    }

    /// <summary>Where a chunked body's decoder stands (SocketsHttpHandler's ParsingState, h11's ChunkedReader).</summary>
    internal enum ChunkState : byte
    {
        SizeLine,
        Data,
        DataCrlf,
        Trailers,
        Done,
    }

    /// <summary>One body's framing and position (see the contract at the top of this file). A mutable struct: keep it in one field.</summary>
    internal struct BodyDecoder
    {
        private readonly Framing _framing;
        private readonly HttpConnectionLimits _limits;
        private ChunkState _chunk;
        private bool _endOfStream;
        private int _scanned;
        private int _trailerLines;
        private int _trailerBytes;
        private long _remaining;

        private BodyDecoder(Framing framing, long remaining, HttpConnectionLimits limits)
        {
            _framing = framing;
            _remaining = remaining;
            _limits = limits;
        }

        private enum Framing : byte
        {
            None,
            ContentLength,
            Chunked,
            UntilClose,
        }

        /// <summary>CPython's <c>length</c>: the Content-Length bytes left (0 for no body), null when unknown (chunked, until close).</summary>
        public readonly long? Length => _framing == Framing.ContentLength ? _remaining : _framing == Framing.None ? 0 : null;

        /// <summary>The line limit for chunk-size and trailer lines (the receive buffer must hold one such line).</summary>
        public readonly int MaxLineLength => _limits.MaxLineLength;

        /// <summary>True when readinto fills the caller's buffer across frames (chunked, as CPython's <c>_readinto_chunked</c>; docs/differences.md #14).</summary>
        public readonly bool FillsAcrossFrames => _framing == Framing.Chunked;

        /// <summary>True when the stream ended before the declared Content-Length.</summary>
        public readonly bool IsTruncated => _framing == Framing.ContentLength && _remaining > 0 && _endOfStream;

        /// <summary>Set with an error after which CPython closes the connection (protocol synchronisation lost).</summary>
        public bool LostSync { get; private set; }

        /// <summary>Bytes of the current frame the caller may read straight from the stream; 0 when framing bytes come first.</summary>
        public readonly long DataRemaining => _framing switch
        {
            Framing.ContentLength => _remaining,
            Framing.UntilClose => _endOfStream ? 0 : long.MaxValue,
            Framing.Chunked => _chunk == ChunkState.Data ? _remaining : 0,
            _ => 0,
        };

        /// <summary>
        /// Chooses the framing once, after the head, as CPython's begin() with RFC 9112 section 6.3's strict rules (README
        /// differences 32-34): no body for HEAD, 1xx, 204 and 304 whatever the fields say; chunked when
        /// Transfer-Encoding says so (docs/differences.md #8), and then a Content-Length beside it is ignored but the
        /// connection is not reused; else the Content-Length (1*DIGIT, every field and list element agreeing); else
        /// until close. <paramref name="willClose"/> is CPython's will_close.
        /// </summary>
        /// <exception cref="HttpException">An invalid or conflicting Content-Length.</exception>
        public static BodyDecoder For(int status, int version, bool isHead, HttpMessage headers, HttpConnectionLimits limits, out bool willClose)
        {
            willClose = WillClose(version, headers);
            if (status == 204 || status == 304 || (status >= 100 && status < 200) || isHead)
            {
                return new BodyDecoder(Framing.None, 0, limits);
            }
            string? transferEncoding = headers.Get(HeaderNames.TransferEncoding);
            if (transferEncoding is not null && Ascii.EqualsIgnoreCase(transferEncoding.AsSpan().Trim(" \t"), "chunked"))
            {
                willClose |= headers.Contains(HeaderNames.ContentLength); // a message framed two ways: never reuse the connection
                return new BodyDecoder(Framing.Chunked, 0, limits);
            }
            bool hasLength = false;
            long? length = null;
            ReadOnlySpan<char> firstDigits = default;
            foreach (KeyValuePair<string, string> field in headers)
            {
                if (field.Key.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
                {
                    foreach (Range element in field.Value.AsSpan().Split(','))
                    {
                        length = ParseContentLength(field.Value.AsSpan(element));
                        // Compared as decimal digits, so two values beyond Int64 (both "unknown") must agree too.
                        ReadOnlySpan<char> digits = field.Value.AsSpan(element).Trim(" \t").TrimStart('0');
                        if (hasLength && !digits.SequenceEqual(firstDigits))
                        {
                            throw new HttpException("conflicting Content-Length values: " + headers.GetJoined(HeaderNames.ContentLength));
                        }
                        hasLength = true;
                        firstDigits = digits;
                    }
                }
            }
            if (length is long known)
            {
                return new BodyDecoder(known == 0 ? Framing.None : Framing.ContentLength, known, limits);
            }
            willClose = true;
            return new BodyDecoder(Framing.UntilClose, 0, limits);
        }

        public BodyStatus Decode(ReadOnlySpan<byte> buffered, bool endOfStream, out int framing, out int window)
        {
            framing = 0;
            window = 0;
            switch (_framing)
            {
                case Framing.ContentLength when _remaining > 0:
                case Framing.UntilClose when !_endOfStream:
                    if (buffered.IsEmpty)
                    {
                        _endOfStream = endOfStream;
                        return endOfStream ? BodyStatus.End : BodyStatus.NeedMore;
                    }
                    window = (int)Math.Min(buffered.Length, _remaining > 0 ? _remaining : int.MaxValue);
                    return BodyStatus.Data;
                case Framing.Chunked:
                    return DecodeChunked(buffered, endOfStream, ref framing, ref window);
                default:
                    return BodyStatus.End;
            }
        }

        /// <summary>
        /// Decodes over <paramref name="buffered"/> and copies body data into <paramref name="destination"/> from
        /// <paramref name="written"/> on, across frames for chunked (one window otherwise), until the destination is full
        /// or the buffered bytes run out: one call for every buffered chunk. <paramref name="consumed"/> counts the buffered
        /// bytes used, <paramref name="written"/> the data copied (both kept current if a frame throws). Returns Data, or
        /// the status of the frame that stopped the copy (NeedMore, Finished, End).
        /// </summary>
        public BodyStatus Copy(ReadOnlySpan<byte> buffered, bool endOfStream, Span<byte> destination, ref int consumed, ref int written)
        {
            while (true)
            {
                BodyStatus status = Decode(buffered.Slice(consumed), endOfStream, out int framing, out int window);
                consumed += framing;
                if (status != BodyStatus.Data)
                {
                    return status;
                }
                int take = Math.Min(window, destination.Length - written);
                buffered.Slice(consumed, take).CopyTo(destination.Slice(written));
                Consumed(take);
                consumed += take;
                written += take;
                if (written == destination.Length || _framing != Framing.Chunked)
                {
                    return BodyStatus.Data;
                }
            }
        }

        /// <summary>The caller took <paramref name="count"/> bytes of the current frame's data.</summary>
        public void Consumed(int count)
        {
            if (_framing == Framing.UntilClose)
            {
                return;
            }
            _remaining -= count;
            if (_remaining == 0 && _framing == Framing.Chunked)
            {
                _chunk = ChunkState.DataCrlf;
            }
        }

        /// <summary>
        /// One Content-Length value: 1*DIGIT with optional spaces/tabs around it (docs/differences.md #33; CPython takes
        /// whatever Python's int() takes). Null when it is beyond Int64 (docs/differences.md #25: the body is then read
        /// to the end).
        /// </summary>
        /// <exception cref="HttpException">Not 1*DIGIT.</exception>
        internal static long? ParseContentLength(ReadOnlySpan<char> text)
        {
            ReadOnlySpan<char> digits = text.Trim(" \t");
            if (digits.IsEmpty || digits.IndexOfAnyExceptInRange('0', '9') >= 0)
            {
                throw new HttpException("invalid Content-Length: " + PythonRepr.String(text.ToString()));
            }
            return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
        }

        /// <summary>
        /// docs/differences.md #10: hex digits with optional spaces/tabs around them, then optional <c>;extensions</c>;
        /// null when the line does not parse (or overflows Int64).
        /// </summary>
        internal static long? ParseChunkSize(ReadOnlySpan<byte> line)
        {
            int semicolon = line.IndexOf((byte)';');
            ReadOnlySpan<byte> digits = (semicolon >= 0 ? line.Slice(0, semicolon) : line).Trim(" \t\r\n"u8);
            // Hex digits alone (no sign, prefix or separator); a value reaching the sign bit is beyond Int64.
            return long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long value) && value >= 0 ? value : null;
        }

        /// <summary>CPython's _check_close.</summary>
        private static bool WillClose(int version, HttpMessage headers)
        {
            string? connection = headers.Get(HeaderNames.Connection);
            if (version == 11)
            {
                return connection?.Contains("close", StringComparison.OrdinalIgnoreCase) == true;
            }
            // HTTP/1.0 closes unless a Keep-Alive field, or keep-alive in Connection or Proxy-Connection, says otherwise.
            return string.IsNullOrEmpty(headers.Get(HeaderNames.KeepAlive))
                && connection?.Contains("keep-alive", StringComparison.OrdinalIgnoreCase) != true
                && headers.Get(HeaderNames.ProxyConnection)?.Contains("keep-alive", StringComparison.OrdinalIgnoreCase) != true;
        }

        private BodyStatus DecodeChunked(ReadOnlySpan<byte> buffered, bool endOfStream, ref int framing, ref int window)
        {
            while (true)
            {
                ReadOnlySpan<byte> rest = buffered.Slice(framing);
                switch (_chunk)
                {
                    case ChunkState.SizeLine:
                    {
                        int length = ResponseHeadDecoder.FindLine(rest, ref _scanned, endOfStream, _limits.MaxLineLength, "chunk size");
                        if (length < 0)
                        {
                            return BodyStatus.NeedMore;
                        }
                        ReadOnlySpan<byte> line = rest.Slice(0, length);
                        int semicolon = line.IndexOf((byte)';');
                        if (semicolon >= 0 && line.Slice(semicolon + 1).TrimEnd("\r\n"u8).Length > _limits.MaxChunkExtensionBytes)
                        {
                            throw new LineTooLongException("chunk size");
                        }
                        long? size = ParseChunkSize(line);
                        if (size is null)
                        {
                            LostSync = true;
                            throw new IncompleteReadException(Array.Empty<byte>());
                        }
                        framing += length;
                        _remaining = size.Value;
                        _chunk = size == 0 ? ChunkState.Trailers : ChunkState.Data;
                        break;
                    }
                    case ChunkState.Data:
                        if (rest.IsEmpty)
                        {
                            return endOfStream ? throw new IncompleteReadException(Array.Empty<byte>()) : BodyStatus.NeedMore;
                        }
                        window = (int)Math.Min(rest.Length, _remaining);
                        return BodyStatus.Data;
                    case ChunkState.DataCrlf:
                    {
                        // docs/differences.md #35: CRLF (or a bare LF) must follow the chunk data; CPython discards two bytes unchecked.
                        int ending = rest.IsEmpty ? 0 : rest[0] == '\n' ? 1 : rest.Length < 2 ? 0 : rest[0] == '\r' && rest[1] == '\n' ? 2 : -1;
                        if (ending < 0)
                        {
                            LostSync = true;
                            throw new IncompleteReadException(Array.Empty<byte>());
                        }
                        if (ending == 0)
                        {
                            return endOfStream ? throw new IncompleteReadException(Array.Empty<byte>(), 2 - rest.Length) : BodyStatus.NeedMore;
                        }
                        framing += ending;
                        _chunk = ChunkState.SizeLine;
                        break;
                    }
                    case ChunkState.Trailers:
                    {
                        int length = ResponseHeadDecoder.FindLine(rest, ref _scanned, endOfStream, _limits.MaxLineLength, "trailer line");
                        if (length < 0)
                        {
                            return BodyStatus.NeedMore;
                        }
                        framing += length;
                        if (ResponseHeadDecoder.IsBlankLine(rest.Slice(0, length)))
                        {
                            _chunk = ChunkState.Done;
                            return BodyStatus.Finished;
                        }
                        // gh-150743: at most so many trailer lines, and bytes, after the last chunk.
                        HttpConnectionLimits.Check(++_trailerLines, _limits.MaxTrailerLines, "trailer lines");
                        HttpConnectionLimits.Check(_trailerBytes += length, _limits.MaxTrailerBytes, "bytes of trailers");
                        break;
                    }
                    default:
                        return BodyStatus.End;
                }
            }
        }
    }
}
