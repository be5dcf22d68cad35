using System.Collections.Generic;
using System.Text;

namespace Http.Client.Internal
{
    /// <summary>
    /// The header semantics of Python's email parser (compat32) as http.client uses it (behavior.md D4), fed raw
    /// bytes or one line at a time: CR, LF and CRLF all end a line; SP/HT lines continue the previous field; <c>: value</c> lines
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
        }

        /// <summary>True once a blank or malformed line ended the block; later lines are ignored.</summary>
        public bool Stopped { get; private set; }

        /// <summary>Feeds raw header bytes, any number of lines (CR, LF and CRLF each end one), until the block ends.</summary>
        public void FeedBlock(ReadOnlySpan<byte> raw)
        {
            while (!raw.IsEmpty && !Stopped)
            {
                int contentLength = raw.IndexOfAny((byte)'\r', (byte)'\n');
                contentLength = contentLength < 0 ? raw.Length : contentLength;
                int endingLength = raw.Slice(contentLength).StartsWith("\r\n"u8) ? 2 : Math.Min(1, raw.Length - contentLength);
                FeedLogicalLine(raw.Slice(0, contentLength), raw.Slice(contentLength, endingLength));
                raw = raw.Slice(contentLength + endingLength);
            }
        }

        /// <summary>The length of <paramref name="line"/> without its ending (LF, CRLF or, at the end of the stream, CR).</summary>
        public static int ContentLength(ReadOnlySpan<byte> line)
        {
            int length = line.Length - (line.Length > 0 && line[^1] == '\n' ? 1 : 0);
            return length - (length > 0 && line[length - 1] == '\r' ? 1 : 0);
        }

        /// <summary>Feeds one line with no CR before its ending (the response head decoder has checked): one logical line.</summary>
        public void FeedLine(ReadOnlySpan<byte> line, int contentLength) => FeedLogicalLine(line.Slice(0, contentLength), line.Slice(contentLength));

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
                // A name is printable ASCII other than ':' (the email parser's field-name rule), then ':'.
                colon = content.IndexOf((byte)':');
                if (colon < 0 || content.Slice(0, colon).IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) >= 0)
                {
                    Stopped = true; // not a header line: the email parser treats it as the body
                    return;
                }
            }
            Finish();
            if (unixFrom || colon == 0)
            {
                return; // "From " envelope lines and empty names are dropped
            }
            ReadOnlySpan<byte> nameBytes = content.Slice(0, colon);
            // Keep-alive servers repeat their header lines: reuse the previous response's strings when the bytes match.
            bool hasPrevious = _previous is not null && _fieldIndex < _previous.Count;
            KeyValuePair<string, string> previous = hasPrevious ? _previous![_fieldIndex] : default;
            _name = hasPrevious && Ascii.Equals(nameBytes, previous.Key)
                ? previous.Key
                : Http.HeaderNames.TryGetKnown(nameBytes, out string? known) && Ascii.Equals(nameBytes, known)
                ? known
                : Encoding.Latin1.GetString(nameBytes);
            ReadOnlySpan<byte> value = content.Slice(colon + 1);
            int start = value.IndexOfAnyExcept((byte)' ', (byte)'\t');
            ReadOnlySpan<byte> valueBytes = start < 0 ? default : value.Slice(start);
            _value = valueBytes.IsEmpty ? ""
                : hasPrevious && Ascii.Equals(valueBytes, previous.Value) ? previous.Value
                : CommonValues.GetString(valueBytes);
            _valueEnding = ending.Length == 2 ? "\r\n" : ending.Length == 0 ? "" : ending[0] == '\r' ? "\r" : "\n";
        }

        /// <summary>Commits the field in progress (after the last line: its value is complete).</summary>
        public void Finish()
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
                if (candidate.Length == bytes.Length && Ascii.Equals(bytes, candidate))
                {
                    return candidate;
                }
            }
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
