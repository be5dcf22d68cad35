/*
 * Response head decoder: bytes in, a parsed head out. No I/O, no async, no allocation beyond the head's own strings.
 *
 * Contract. Decode(buffered, endOfStream, out consumed) reads whole lines from the start of `buffered` (the
 * receive buffer's unconsumed bytes): the status line, the header block, and each `100 Continue` response that
 * precedes the final one (in tunnel mode: the proxy's reply to CONNECT, its headers read whatever the status).
 * It returns
 *   - Done: the head is complete; `consumed` bytes belong to it and the body starts right after them;
 *   - NeedMore: the buffer ends inside a line. Drop `consumed` bytes (whole lines already parsed), add bytes, call
 *     again. The decoder remembers how far it searched, so a head that arrives byte by byte is searched once.
 *   - Interim (only when built with deliverInterim): a whole 1xx head other than 101 was decoded (Status, Reason,
 *     Version and Headers describe it); the caller delivers it, drops `consumed` bytes and calls again for the next
 *     head. Off, no interim head is ever parsed into headers: 100 is skipped and other 1xx are final (CPython).
 * With endOfStream set, an unterminated last line counts as a line and an empty one as the end (CPython's readline
 * at EOF). Errors are thrown as the exception CPython raises for the case: RemoteDisconnectedException (nothing
 * before EOF), BadStatusLineException, UnknownProtocolException, LineTooLongException, HttpException (counts).
 * The whole head is parsed in one call when it is buffered: one vectorised search for LF per line, known header names
 * through the generated HeaderNames table, field strings reused from the previous response when the bytes repeat.
 */
using System.Collections.Generic;
using System.Text;

namespace Http.Client.Internal
{
    /// <summary>What <see cref="ResponseHeadDecoder.Decode"/> reached.</summary>
    internal enum HeadStatus
    {
        NeedMore,
        Done,
        Interim,
    }

    /// <summary>The resumable response-head parser (see the contract at the top of this file). A mutable struct: keep it in one local.</summary>
    internal struct ResponseHeadDecoder
    {
        private readonly HttpConnectionLimits _limits;
        private readonly bool _tunnel;
        private readonly bool _deliverInterim;
        private readonly TextWriter? _debug;
        private readonly HttpMessage? _previous;
        private State _state;
        private int _scanned;
        private int _lines;
        private int _blockBytes;
        private int _interim;
        private HeaderBlockParser _parser;
        private List<byte[]>? _skippedLines;

        /// <param name="limits">Line, count and byte bounds.</param>
        /// <param name="tunnel">Decode a CONNECT reply: no interim responses, no version check.</param>
        /// <param name="debug">Where CPython's debug lines go (null: none).</param>
        /// <param name="previous">The previous response's headers on this connection, whose strings are reused.</param>
        /// <param name="deliverInterim">Stop after each 1xx head other than 101 with <see cref="HeadStatus.Interim"/> (docs/differences.md #40).</param>
        public ResponseHeadDecoder(HttpConnectionLimits limits, bool tunnel, TextWriter? debug, HttpMessage? previous, bool deliverInterim = false)
        {
            _limits = limits;
            _tunnel = tunnel;
            _deliverInterim = deliverInterim && !tunnel;
            _debug = debug;
            _previous = previous is { Edited: false } ? previous : null; // an edited message's fields may not be valid: not reused
            Reason = "";
        }

        private enum State : byte
        {
            StatusLine,
            InterimHeaders,
            DeliveredInterimHeaders,
            Headers,
            Done,
        }

        public int Status { get; private set; }

        public string Reason { get; private set; }

        /// <summary>10 or 11 (0 in tunnel mode, which does not check the version).</summary>
        public int Version { get; private set; }

        /// <summary>The final header block (set once the decoder is Done), or a delivered interim one (after Interim).</summary>
        public HttpMessage? Headers { get; private set; }

        public HeadStatus Decode(ReadOnlySpan<byte> buffered, bool endOfStream, out int consumed)
        {
            consumed = 0;
            int maxLine = _limits.MaxLineLength;
            while (_state != State.Done)
            {
                ReadOnlySpan<byte> rest = buffered.Slice(consumed);
                // Most lines end in CRLF or LF with no CR before: one search finds the end and rules out a bare CR.
                int contentLength = _scanned == 0 ? rest.Slice(0, Math.Min(rest.Length, maxLine)).IndexOfAny((byte)'\r', (byte)'\n') : -1;
                int length = contentLength < 0 ? -1 : rest[contentLength] == '\n' ? contentLength + 1
                    : contentLength + 1 < rest.Length && rest[contentLength + 1] == '\n' ? contentLength + 2 : -1;
                if (length < 0 || length > maxLine)
                {
                    length = FindLine(rest, ref _scanned, endOfStream, maxLine, LineType);
                    if (length < 0)
                    {
                        return HeadStatus.NeedMore;
                    }
                    contentLength = HeaderBlockParser.ContentLength(rest.Slice(0, length));
                    if (rest.Slice(0, contentLength).Contains((byte)'\r')) // docs/differences.md #36 (a bare LF ending stays accepted, as CPython)
                    {
                        throw _state == State.StatusLine
                            ? new BadStatusLineException(Encoding.Latin1.GetString(rest.Slice(0, length)))
                            : new HttpException("bare CR in a response header line");
                    }
                }
                consumed += length;
                if (OnLine(rest.Slice(0, length), contentLength))
                {
                    return HeadStatus.Interim;
                }
            }
            return HeadStatus.Done;
        }

        /// <summary>
        /// The length of the line at the start of <paramref name="rest"/> (through LF; at the end of the stream, whatever
        /// is left, as CPython's readline), or -1 when more bytes are needed; <paramref name="scanned"/> keeps how far an
        /// unfinished line was searched. A line longer than <paramref name="maxLine"/> throws LineTooLong.
        /// </summary>
        public static int FindLine(ReadOnlySpan<byte> rest, ref int scanned, bool endOfStream, int maxLine, string lineType)
        {
            int searchEnd = Math.Min(rest.Length, maxLine + 1);
            int newline = scanned < searchEnd ? rest.Slice(scanned, searchEnd - scanned).IndexOf((byte)'\n') : -1;
            int length = newline >= 0 ? scanned + newline + 1 : endOfStream || rest.Length > maxLine ? rest.Length : -1;
            if (length > maxLine)
            {
                throw new LineTooLongException(lineType);
            }
            scanned = length < 0 ? rest.Length : 0;
            return length;
        }

        /// <summary>CPython's version mapping: HTTP/1.0 and HTTP/0.9 are 10, other HTTP/1.x are 11, else 0 (unknown).</summary>
        public static int MapVersion(string version) =>
            version == "HTTP/1.1" ? 11 // first: VersionString's shared "HTTP/1.1" makes the usual case one reference compare
            : version == "HTTP/1.0" || version == "HTTP/0.9" ? 10 : version.StartsWith("HTTP/1.", StringComparison.Ordinal) ? 11 : 0;

        /// <summary>A line that ends a header or trailer block: a bare line ending, or nothing (the stream ended).</summary>
        public static bool IsBlankLine(ReadOnlySpan<byte> line) =>
            line.IsEmpty || (line.Length == 1 && line[0] == '\n') || (line.Length == 2 && line[0] == '\r' && line[1] == '\n');

        /// <summary>Python whitespace (str.split()) for a latin-1 byte.</summary>
        public static bool IsWhitespace(byte b) =>
            b == ' ' || (b >= '\t' && b <= '\r') || (b >= 0x1c && b <= 0x1f) || b == 0x85 || b == 0xa0;

        /// <summary>
        /// Parses a status line as CPython's _read_status (split on whitespace into at most three parts), with README
        /// difference 9: the status is exactly three digits 100..999.
        /// </summary>
        public static (string Version, int Status, string Reason) ParseStatusLine(ReadOnlySpan<byte> line)
        {
            int position = Skip(line, 0, true);
            int versionStart = position;
            position = Skip(line, position, false);
            ReadOnlySpan<byte> version = line.Slice(versionStart, position - versionStart);
            position = Skip(line, position, true);
            int statusStart = position;
            position = Skip(line, position, false);
            ReadOnlySpan<byte> status = line.Slice(statusStart, position - statusStart);
            if (!version.StartsWith("HTTP/"u8) || status.Length != 3
                || !char.IsAsciiDigit((char)status[0]) || !char.IsAsciiDigit((char)status[1]) || !char.IsAsciiDigit((char)status[2])
                || status[0] == '0')
            {
                throw new BadStatusLineException(Encoding.Latin1.GetString(line));
            }
            int code = (status[0] - '0') * 100 + (status[1] - '0') * 10 + (status[2] - '0');
            position = Skip(line, position, true);
            int reasonEnd = line.Length;
            while (reasonEnd > position && IsWhitespace(line[reasonEnd - 1]))
            {
                reasonEnd--;
            }
            return (VersionString(version), code, ReasonString(code, line.Slice(position, reasonEnd - position)));
        }

        private readonly string LineType => _state == State.StatusLine ? "status line" : "header line";

        /// <summary>Takes one line; true when it ended a delivered interim head (the decoder is then back at a status line).</summary>
        private bool OnLine(ReadOnlySpan<byte> line, int contentLength)
        {
            if (_state == State.StatusLine)
            {
                OnStatusLine(line);
                return false;
            }
            HttpConnectionLimits.Check(++_lines, _limits.MaxHeaders, "headers");
            HttpConnectionLimits.Check(_blockBytes += line.Length, _limits.MaxHeaderBytes, "bytes of headers");
            bool end = contentLength == 0 && IsBlankLine(line);
            if (_state == State.InterimHeaders)
            {
                _skippedLines?.Add(line.ToArray());
                if (end)
                {
                    _debug?.WriteLine("headers: " + PythonRepr.BytesList(_skippedLines!));
                    _state = State.StatusLine;
                }
                return false;
            }
            if (end)
            {
                _parser.Finish();
                bool interim = _state == State.DeliveredInterimHeaders;
                _state = interim ? State.StatusLine : State.Done;
                if (_debug is not null && !_tunnel)
                {
                    foreach (KeyValuePair<string, string> header in Headers!)
                    {
                        _debug.WriteLine("header: " + header.Key + ": " + header.Value);
                    }
                }
                return interim;
            }
            if (_tunnel)
            {
                _debug?.WriteLine("header: " + Encoding.Latin1.GetString(line));
            }
            if (!_parser.Stopped)
            {
                _parser.FeedLine(line, contentLength);
            }
            return false;
        }

        private void OnStatusLine(ReadOnlySpan<byte> line)
        {
            if (!_tunnel)
            {
                _debug?.WriteLine("reply: " + PythonRepr.String(Encoding.Latin1.GetString(line)));
            }
            if (line.IsEmpty)
            {
                throw new RemoteDisconnectedException("Remote end closed connection without response");
            }
            (string version, int status, string reason) = ParseStatusLine(line);
            Status = status;
            Reason = reason;
            _lines = 0;
            _blockBytes = 0;
            // A CONNECT reply has no interim responses and no version check; its headers are read whatever the
            // status (CPython 3.12), and the caller judges the status.
            bool delivered = _deliverInterim && status < 200 && status != 101;
            if (!_tunnel && (status == 100 || delivered))
            {
                HttpConnectionLimits.Check(++_interim, _limits.MaxInterimResponses, "interim responses");
                if (!delivered)
                {
                    _state = State.InterimHeaders; // skipped unparsed, its version unchecked (CPython)
                    _skippedLines = _debug is not null ? new List<byte[]>() : null;
                    return;
                }
            }
            if (!_tunnel)
            {
                Version = MapVersion(version);
                if (Version == 0)
                {
                    throw new UnknownProtocolException(version);
                }
            }
            // A delivered interim head gets its own headers (never shared with the final one's). Keep-alive servers repeat
            // their header lines: a final head starts on the previous response's fields (shared, copy-on-write); else room
            // for 8 fields, what a typical server sends (nginx: 6-8), so the array is not grown on the way.
            HttpMessage? previous = delivered ? null : _previous;
            Headers = delivered ? new HttpMessage(2) : previous is null ? new HttpMessage(8) : HttpMessage.StartingFrom(previous);
            _parser = new HeaderBlockParser(Headers, previous);
            _state = delivered ? State.DeliveredInterimHeaders : State.Headers;
        }

        /// <summary>The position after the run of whitespace (or, with <paramref name="whitespace"/> false, of non-whitespace) at <paramref name="position"/>.</summary>
        private static int Skip(ReadOnlySpan<byte> line, int position, bool whitespace)
        {
            while (position < line.Length && IsWhitespace(line[position]) == whitespace)
            {
                position++;
            }
            return position;
        }

        private static string VersionString(ReadOnlySpan<byte> version) =>
            version.SequenceEqual("HTTP/1.1"u8) ? "HTTP/1.1" : version.SequenceEqual("HTTP/1.0"u8) ? "HTTP/1.0" : Encoding.Latin1.GetString(version);

        private static string ReasonString(int code, ReadOnlySpan<byte> reason)
        {
            if (reason.IsEmpty)
            {
                return "";
            }
            string? known = Http.ReasonPhrases.Get(code);
            return known is not null && known.Length == reason.Length && Ascii.Equals(reason, known) ? known : Encoding.Latin1.GetString(reason);
        }
    }
}
