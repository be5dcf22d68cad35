using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Internal
{
    /// <summary>The parsed parts of a status line.</summary>
    internal readonly struct StatusLine
    {
        public StatusLine(string version, int status, string reason)
        {
            Version = version;
            Status = status;
            Reason = reason;
        }

        /// <summary>The version token, e.g. <c>HTTP/1.1</c>.</summary>
        public string Version { get; }

        public int Status { get; }

        /// <summary>The reason phrase, stripped of Python whitespace.</summary>
        public string Reason { get; }
    }

    /// <summary>
    /// Response head parsing over a <see cref="Transport"/>: status lines and header blocks with CPython's limits
    /// and rules (behavior.md D2-D4), parsed in place in the receive buffer.
    /// </summary>
    internal static class ResponseParser
    {
        /// <summary>CPython's _MAXLINE: a line of up to this many bytes (CRLF included) is accepted.</summary>
        public const int MaxLineLength = 65536;

        /// <summary>
        /// CPython's _MAXHEADERS. Every line read counts, the blank line too, so at most 99 header lines pass
        /// (CPython's off-by-one, kept).
        /// </summary>
        public const int MaxHeaders = 100;

        private static ReadOnlySpan<byte> HttpPrefix => "HTTP/"u8;

        /// <summary>Reads one raw line (limit + 1 like CPython); throws LineTooLong when it is longer than the limit.</summary>
        /// <returns>The line length in <see cref="Transport.BufferedSpan"/>, 0 at end of stream. The caller consumes it.</returns>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public static async ValueTask<int> ReadLineAsync(Transport transport, bool async, string lineType, CancellationToken cancellationToken)
        {
            int length = await transport.PeekLineAsync(async, MaxLineLength + 1, cancellationToken).ConfigureAwait(false);
            if (length > MaxLineLength)
            {
                throw new LineTooLongException(lineType);
            }
            return length;
        }

        /// <summary>
        /// Reads and parses one status line (CPython's _read_status, with README difference 9: the status is exactly three
        /// digits 100..999).
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public static async ValueTask<StatusLine> ReadStatusLineAsync(
            Transport transport, bool async, int debugLevel, System.IO.TextWriter? debugOutput, CancellationToken cancellationToken)
        {
            int length = await ReadLineAsync(transport, async, "status line", cancellationToken).ConfigureAwait(false);
            ReadOnlySpan<byte> line = transport.BufferedSpan.Slice(0, length);
            if (debugLevel > 0 && debugOutput is not null)
            {
                debugOutput.WriteLine("reply: " + PythonRepr.String(Encoding.Latin1.GetString(line)));
            }
            if (length == 0)
            {
                throw new RemoteDisconnectedException("Remote end closed connection without response");
            }
            StatusLine parsed = ParseStatusLine(line);
            transport.Consume(length);
            return parsed;
        }

        /// <summary>Parses a status line (CPython: split on whitespace into at most 3 parts, then check).</summary>
        public static StatusLine ParseStatusLine(ReadOnlySpan<byte> line)
        {
            int position = SkipWhitespace(line, 0);
            int versionStart = position;
            position = SkipToken(line, position);
            ReadOnlySpan<byte> version = line.Slice(versionStart, position - versionStart);
            position = SkipWhitespace(line, position);
            int statusStart = position;
            position = SkipToken(line, position);
            ReadOnlySpan<byte> status = line.Slice(statusStart, position - statusStart);
            if (status.IsEmpty || !version.StartsWith(HttpPrefix))
            {
                throw new BadStatusLineException(Encoding.Latin1.GetString(line));
            }
            if (status.Length != 3 || !IsDigit(status[0]) || !IsDigit(status[1]) || !IsDigit(status[2]) || status[0] == '0')
            {
                throw new BadStatusLineException(Encoding.Latin1.GetString(line));
            }
            int code = (status[0] - '0') * 100 + (status[1] - '0') * 10 + (status[2] - '0');
            position = SkipWhitespace(line, position);
            int reasonEnd = line.Length;
            while (reasonEnd > position && IsWhitespace(line[reasonEnd - 1]))
            {
                reasonEnd--;
            }
            ReadOnlySpan<byte> reason = line.Slice(position, reasonEnd - position);
            return new StatusLine(VersionString(version), code, ReasonString(code, reason));
        }

        /// <summary>CPython's version mapping: HTTP/1.0 and HTTP/0.9 are 10, other HTTP/1.x are 11, else 0 (unknown).</summary>
        public static int MapVersion(string version) =>
            version == "HTTP/1.0" || version == "HTTP/0.9" ? 10 : version.StartsWith("HTTP/1.", StringComparison.Ordinal) ? 11 : 0;

        /// <summary>
        /// Reads a header block (lines up to a blank line or end of stream) with the line and count limits, feeding
        /// each line to the header parser filling <paramref name="target"/> (null: discard). Debug lines are collected when asked.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        public static async ValueTask ReadHeaderBlockAsync(
            Transport transport, bool async, HttpMessage? target, List<byte[]>? rawLines, CancellationToken cancellationToken, HttpMessage? previous = null)
        {
            var parser = new HeaderBlockParser(target, previous);
            int count = 0;
            while (true)
            {
                int length = await ReadLineAsync(transport, async, "header line", cancellationToken).ConfigureAwait(false);
                ReadOnlySpan<byte> line = transport.BufferedSpan.Slice(0, length);
                rawLines?.Add(line.ToArray());
                count++;
                if (count > MaxHeaders)
                {
                    throw new HttpException($"got more than {MaxHeaders} headers");
                }
                if (length == 0 || IsBlankLine(line))
                {
                    transport.Consume(length);
                    parser.Finish();
                    return;
                }
                if (target is not null && !parser.Stopped)
                {
                    parser.FeedRawLine(line);
                }
                transport.Consume(length);
            }
        }

        public static bool IsBlankLine(ReadOnlySpan<byte> line) =>
            (line.Length == 1 && line[0] == '\n') || (line.Length == 2 && line[0] == '\r' && line[1] == '\n');

        /// <summary>Python whitespace (str.split()) for a latin-1 byte.</summary>
        public static bool IsWhitespace(byte b) =>
            b == ' ' || (b >= '\t' && b <= '\r') || (b >= 0x1c && b <= 0x1f) || b == 0x85 || b == 0xa0;

        private static bool IsDigit(byte b) => b >= '0' && b <= '9';

        private static int SkipWhitespace(ReadOnlySpan<byte> line, int position)
        {
            while (position < line.Length && IsWhitespace(line[position]))
            {
                position++;
            }
            return position;
        }

        private static int SkipToken(ReadOnlySpan<byte> line, int position)
        {
            while (position < line.Length && !IsWhitespace(line[position]))
            {
                position++;
            }
            return position;
        }

        private static string VersionString(ReadOnlySpan<byte> version)
        {
            if (version.SequenceEqual("HTTP/1.1"u8))
            {
                return "HTTP/1.1";
            }
            if (version.SequenceEqual("HTTP/1.0"u8))
            {
                return "HTTP/1.0";
            }
            return Encoding.Latin1.GetString(version);
        }

        private static string ReasonString(int code, ReadOnlySpan<byte> reason)
        {
            if (reason.IsEmpty)
            {
                return "";
            }
            string? known = Http.ReasonPhrases.Get(code);
            if (known is not null && known.Length == reason.Length && System.Text.Ascii.Equals(reason, known))
            {
                return known;
            }
            return Encoding.Latin1.GetString(reason);
        }
    }

    /// <summary>
    /// The header semantics of Python's email parser (compat32) as http.client uses it (behavior.md D4), fed one raw
    /// line at a time: CR, LF and CRLF all end a line; SP/HT lines continue the previous field; <c>: value</c> lines
    /// are skipped; <c>From </c> lines ignored; a line that is not a header ends the block (later lines dropped).
    /// A mutable struct: keep it in one local (it lives in the reading method's state machine, no allocation).
    /// </summary>
    internal struct HeaderBlockParser
    {
        private readonly HttpMessage? _message;
        private readonly HttpMessage? _previous; // the previous response's fields: their strings are reused when the bytes match
        private int _fieldIndex;
        private string? _name;
        private string? _value;
        private string _valueEnding = "";
        private StringBuilder? _folded;

        public HeaderBlockParser(HttpMessage? message, HttpMessage? previous = null)
        {
            _message = message;
            _previous = previous;
            _fieldIndex = 0;
            _name = null;
            _value = null;
            _valueEnding = "";
            _folded = null;
            Stopped = false;
        }

        /// <summary>True once a blank or malformed line ended the block; later lines are ignored.</summary>
        public bool Stopped { get; private set; }

        /// <summary>Feeds one raw line (as split on LF by the reader), which may hold several CR-separated lines.</summary>
        public void FeedRawLine(ReadOnlySpan<byte> raw)
        {
            while (!raw.IsEmpty && !Stopped)
            {
                int contentLength = raw.IndexOfAny((byte)'\r', (byte)'\n');
                int lineLength;
                if (contentLength < 0)
                {
                    contentLength = raw.Length;
                    lineLength = raw.Length;
                }
                else if (raw[contentLength] == '\r' && contentLength + 1 < raw.Length && raw[contentLength + 1] == '\n')
                {
                    lineLength = contentLength + 2;
                }
                else
                {
                    lineLength = contentLength + 1;
                }
                FeedLogicalLine(raw.Slice(0, contentLength), raw.Slice(contentLength, lineLength - contentLength));
                raw = raw.Slice(lineLength);
            }
        }

        /// <summary>Commits the last field.</summary>
        public void Finish() => Commit();

        private void FeedLogicalLine(ReadOnlySpan<byte> content, ReadOnlySpan<byte> ending)
        {
            if (content.IsEmpty)
            {
                Stopped = true; // the blank line that separates headers from the body
                return;
            }
            byte first = content[0];
            if (first == ' ' || first == '\t')
            {
                if (_name is null)
                {
                    return; // a continuation as the first line: ignored (FirstHeaderLineIsContinuationDefect)
                }
                _folded ??= new StringBuilder().Append(_value).Append(_valueEnding);
                _folded.Append(Encoding.Latin1.GetString(content)).Append(Encoding.Latin1.GetString(ending));
                return;
            }
            bool unixFrom = content.StartsWith("From "u8);
            int colon = -1;
            if (!unixFrom)
            {
                for (int i = 0; i < content.Length; i++)
                {
                    byte b = content[i];
                    if (b == ':')
                    {
                        colon = i;
                        break;
                    }
                    if (b < 0x21 || b > 0x7e)
                    {
                        break;
                    }
                }
                if (colon < 0)
                {
                    Stopped = true; // not a header line: the email parser treats it as the body
                    return;
                }
            }
            Commit();
            if (unixFrom || colon == 0)
            {
                return; // "From " envelope lines and empty names are dropped
            }
            ReadOnlySpan<byte> nameBytes = content.Slice(0, colon);
            // Keep-alive servers repeat their header lines: reuse the previous response's strings when the bytes match.
            bool hasPrevious = _previous is not null && _fieldIndex < _previous.Count;
            KeyValuePair<string, string> previous = hasPrevious ? _previous![_fieldIndex] : default;
            _name = hasPrevious && System.Text.Ascii.Equals(nameBytes, previous.Key)
                ? previous.Key
                : Http.HeaderNames.TryGetKnown(nameBytes, out string? known) && System.Text.Ascii.Equals(nameBytes, known)
                ? known
                : Encoding.Latin1.GetString(nameBytes);
            ReadOnlySpan<byte> value = content.Slice(colon + 1);
            int start = 0;
            while (start < value.Length && (value[start] == ' ' || value[start] == '\t'))
            {
                start++;
            }
            ReadOnlySpan<byte> valueBytes = value.Slice(start);
            _value = valueBytes.IsEmpty ? ""
                : hasPrevious && System.Text.Ascii.Equals(valueBytes, previous.Value) ? previous.Value
                : CommonValues.GetString(valueBytes);
            _valueEnding = ending.Length == 2 ? "\r\n" : ending.Length == 0 ? "" : ending[0] == '\r' ? "\r" : "\n";
        }

        private void Commit()
        {
            if (_name is null)
            {
                return;
            }
            string value;
            if (_folded is not null)
            {
                int end = _folded.Length;
                while (end > 0 && (_folded[end - 1] == '\r' || _folded[end - 1] == '\n'))
                {
                    end--;
                }
                value = _folded.ToString(0, end);
            }
            else
            {
                value = _value ?? "";
            }
            _message?.AddParsed(_name, value);
            _fieldIndex++;
            _name = null;
            _value = null;
            _folded = null;
        }
    }

    /// <summary>
    /// Header values that most responses carry, returned as shared strings when the wire bytes match exactly, so
    /// parsing them allocates nothing; any other value is decoded as latin-1.
    /// </summary>
    internal static class CommonValues
    {
        private static readonly string[] Values =
        {
            "0", "close", "keep-alive", "chunked", "identity", "gzip", "br", "deflate", "bytes", "none", "no-cache",
            "Accept-Encoding", "text/plain", "text/html", "application/json", "application/octet-stream",
            "text/plain; charset=utf-8", "text/html; charset=utf-8", "application/json; charset=utf-8",
            "text/html; charset=UTF-8", "text/plain; charset=UTF-8", "nosniff", "DENY", "SAMEORIGIN",
        };

        public static string GetString(ReadOnlySpan<byte> bytes)
        {
            foreach (string candidate in Values)
            {
                if (candidate.Length == bytes.Length && System.Text.Ascii.Equals(bytes, candidate))
                {
                    return candidate;
                }
            }
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
