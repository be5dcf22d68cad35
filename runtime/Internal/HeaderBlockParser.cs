using System.Collections.Generic;
using System.Linq;
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
            // Keep-alive servers repeat their header lines: when the previous response's field at this position has the
            // same name (known valid), its strings are reused and the name is not scanned again.
            int index = _fieldIndex + (_name is null ? 0 : 1); // this field's position once the one in progress is committed
            KeyValuePair<string, string> previous = _previous is not null && index < _previous.Count ? _previous[index] : default;
            string? name = previous.Key;
            int colon = name is not null && content.Length > name.Length && content[name.Length] == ':' && Ascii.Equals(content.Slice(0, name.Length), name) ? name.Length : -1;
            if (colon < 0 && (colon = FindName(content, out name)) < 0)
            {
                Stopped = !content.StartsWith("From "u8); // not a header line: the email parser treats it as the body
                if (!Stopped)
                {
                    Finish(); // "From " envelope lines are dropped
                }
                return;
            }
            Finish();
            if (colon == 0)
            {
                return; // empty names are dropped
            }
            _name = name ?? Encoding.Latin1.GetString(content.Slice(0, colon));
            int start = colon + 1;
            while (start < content.Length && (content[start] == ' ' || content[start] == '\t'))
            {
                start++;
            }
            ReadOnlySpan<byte> valueBytes = content.Slice(start);
            _value = valueBytes.IsEmpty ? ""
                : previous.Value is not null && Ascii.Equals(valueBytes, previous.Value) ? previous.Value
                : CommonValues.GetString(valueBytes);
            _valueEnding = ending.Length == 2 ? "\r\n" : ending.Length == 0 ? "" : ending[0] == '\r' ? "\r" : "\n";
        }

        /// <summary>
        /// The position of the ':' after a name of printable ASCII other than ':' (the email parser's field-name rule), or -1
        /// when the line has none; <paramref name="known"/> is the generated table's string for a known name in its case.
        /// </summary>
        private static int FindName(ReadOnlySpan<byte> content, out string? known)
        {
            int colon = content.IndexOf((byte)':');
            ReadOnlySpan<byte> name = content.Slice(0, Math.Max(colon, 0));
            known = Http.HeaderNames.TryGetKnown(name, out string? candidate) && Ascii.Equals(name, candidate) ? candidate : null;
            return colon >= 0 && (known is not null || name.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) < 0) ? colon : -1; // a known name is valid
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

        // The candidates of each length, so a value is compared with at most a few.
        private static readonly string[][] ByLength = Enumerable.Range(0, Values.Max(v => v.Length) + 1).Select(n => Array.FindAll(Values, v => v.Length == n)).ToArray();

        public static string GetString(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length < ByLength.Length)
            {
                foreach (string candidate in ByLength[bytes.Length])
                {
                    if (Ascii.Equals(bytes, candidate))
                    {
                        return candidate;
                    }
                }
            }
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
