using System.Text;

namespace Http.Client.Internal
{
    /// <summary>
    /// Collects the request line and header lines of one request in a pooled buffer, so the whole head (and a small
    /// body) reaches the transport in a single write; later the output pending between writes. Every line is checked
    /// with CPython's rules (and RFC 9110 section 5.5's: no control character but HTAB) before it stays: a line that
    /// fails leaves nothing behind.
    /// </summary>
    internal sealed class RequestHeadWriter : ByteAccumulator
    {
        // Large enough for a typical request head with a small body; grows (from the pool) when needed.
        public RequestHeadWriter()
            : base(initialCapacity: 1024)
        {
        }

        /// <summary>The request line <c>METHOD url HTTP/1.1</c> (an empty url is <c>/</c>), replacing anything buffered.</summary>
        public void WriteRequestLine(string method, string url)
        {
            HttpSyntax.ValidateMethod(method);
            if (url.Length == 0)
            {
                url = "/";
            }
            HttpSyntax.ValidateUrlCharacters(url);
            int bad = HttpSyntax.IndexOfAbove(method, '\x7f');
            if (bad < 0 && (bad = HttpSyntax.IndexOfAbove(url, '\x7f')) >= 0)
            {
                bad += method.Length + 1;
            }
            if (bad >= 0)
            {
                throw HttpSyntax.AsciiError($"{method} {url} HTTP/1.1", bad);
            }
            Clear();
            AppendLatin1(method);
            Append((byte)' ');
            AppendLatin1(url);
            Append(" HTTP/1.1\r\n"u8);
        }

        /// <summary>The line <c>name: value</c>, several values folded onto continuation lines (CRLF + HTAB) as CPython does.</summary>
        public void WriteHeader(string name, params ReadOnlySpan<string> values)
        {
            int mark = Length;
            try
            {
                int bad = HttpSyntax.IndexOfAbove(name, '\x7f');
                if (bad >= 0)
                {
                    throw HttpSyntax.AsciiError(name, bad);
                }
                AppendLatin1(name);
                CheckName(mark);
                for (int i = 0; i < values.Length; i++)
                {
                    string value = values[i] ?? throw new ArgumentNullException(nameof(values), "A header value is null.");
                    bad = HttpSyntax.IndexOfAbove(value, '\xff');
                    if (bad >= 0)
                    {
                        throw HttpSyntax.Latin1Error(value, bad, $"(header {PythonRepr.String(name)})");
                    }
                    int start = BeginValue(i);
                    AppendLatin1(value);
                    CheckValue(start);
                }
                AppendCrlf();
            }
            catch
            {
                Truncate(mark);
                throw;
            }
        }

        /// <summary>The line <c>name: value</c> from raw bytes (0x80 and up allowed, as CPython's bytes headers).</summary>
        public void WriteHeader(byte[] name, params byte[][] values)
        {
            int mark = Length;
            try
            {
                Append(name);
                CheckName(mark);
                for (int i = 0; i < values.Length; i++)
                {
                    int start = BeginValue(i);
                    Append(values[i] ?? throw new ArgumentNullException(nameof(values), "A header value is null."));
                    CheckValue(start);
                }
                AppendCrlf();
            }
            catch
            {
                Truncate(mark);
                throw;
            }
        }

        /// <summary>The line <c>name: digits</c> of a header this library writes itself (Content-Length).</summary>
        public void WriteHeader(string name, long value)
        {
            AppendLatin1(name);
            Append(": "u8);
            value.TryFormat(GetSpan(20), out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            Advance(written);
            AppendCrlf();
        }

        private void CheckName(int start)
        {
            if (!HttpSyntax.IsLegalHeaderName(WrittenSpan.Slice(start)))
            {
                throw new ArgumentException($"Invalid header name {PythonRepr.Bytes(WrittenSpan.Slice(start))}");
            }
            Append(": "u8);
        }

        private int BeginValue(int index)
        {
            if (index > 0)
            {
                Append("\r\n\t"u8);
            }
            return Length;
        }

        private void CheckValue(int start)
        {
            if (HttpSyntax.IsIllegalHeaderValue(WrittenSpan.Slice(start)))
            {
                throw new ArgumentException($"Invalid header value {PythonRepr.Bytes(WrittenSpan.Slice(start))}");
            }
        }

        public void AppendCrlf() => Append("\r\n"u8);

        /// <summary>Appends characters already checked to be at most U+00FF (latin-1, one byte each).</summary>
        public void AppendLatin1(ReadOnlySpan<char> text) => Advance(Encoding.Latin1.GetBytes(text, GetSpan(text.Length)));

        /// <summary>Appends an uppercase hex chunk size line (<c>12C\r\n</c>) as CPython's chunk framing does.</summary>
        public void AppendChunkSizeLine(long size)
        {
            size.TryFormat(GetSpan(16), out int written, "X", System.Globalization.CultureInfo.InvariantCulture);
            Advance(written);
            AppendCrlf();
        }
    }
}
