using System;
using System.Buffers;
using System.Text;

namespace Http.Client.Internal
{
    /// <summary>
    /// Collects the request line and header lines of one request in a pooled buffer, so the whole head (and a small
    /// body) reaches the transport in a single write; later the output pending between writes. Every line is checked
    /// with CPython's rules (and RFC 9110 section 5.5's: no control character but HTAB) before it stays: a line that
    /// fails leaves nothing behind.
    /// </summary>
    internal sealed class RequestHeadWriter : IDisposable
    {
        // Large enough for a typical request head with a small body; grows (from the pool) when needed.
        private const int InitialCapacity = 1024;

        private byte[] _buffer = Array.Empty<byte>();
        private int _length;

        public int Length => _length;

        public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

        public void Clear() => _length = 0;

        /// <summary>Returns the pooled buffer when the head is idle, so an idle connection holds no buffer.</summary>
        public void Release()
        {
            _length = 0;
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = Array.Empty<byte>();
            }
        }

        public void Dispose() => Release();

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
            _length = 0;
            AppendLatin1(method);
            Append((byte)' ');
            AppendLatin1(url);
            Append(" HTTP/1.1\r\n"u8);
        }

        /// <summary>The line <c>name: value</c>, several values folded onto continuation lines (CRLF + HTAB) as CPython does.</summary>
        public void WriteHeader(string name, params ReadOnlySpan<string> values)
        {
            int mark = _length;
            try
            {
                int bad = HttpSyntax.IndexOfAbove(name, '\x7f');
                if (bad >= 0)
                {
                    throw HttpSyntax.AsciiError(name, bad);
                }
                AppendName(name);
                for (int i = 0; i < values.Length; i++)
                {
                    string value = values[i] ?? throw new ArgumentNullException(nameof(values), "A header value is null.");
                    bad = HttpSyntax.IndexOfAbove(value, '\xff');
                    if (bad >= 0)
                    {
                        throw HttpSyntax.Latin1Error(value, bad, $"(header {PythonRepr.String(name)})");
                    }
                    AppendValue(value, i);
                }
                AppendCrlf();
            }
            catch
            {
                _length = mark;
                throw;
            }
        }

        /// <summary>The line <c>name: value</c> from raw bytes (0x80 and up allowed, as CPython's bytes headers).</summary>
        public void WriteHeader(byte[] name, params byte[][] values)
        {
            int mark = _length;
            try
            {
                AppendName(name);
                for (int i = 0; i < values.Length; i++)
                {
                    AppendValue(values[i] ?? throw new ArgumentNullException(nameof(values), "A header value is null."), i);
                }
                AppendCrlf();
            }
            catch
            {
                _length = mark;
                throw;
            }
        }

        /// <summary>The line <c>name: digits</c> of a header this library writes itself (Content-Length).</summary>
        public void WriteHeader(string name, long value)
        {
            AppendLatin1(name);
            Append(": "u8);
            value.TryFormat(GetSpan(20), out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            _length += written;
            AppendCrlf();
        }

        private void AppendName(ReadOnlySpan<char> name)
        {
            int start = _length;
            AppendLatin1(name);
            CheckName(start);
        }

        private void AppendName(ReadOnlySpan<byte> name)
        {
            int start = _length;
            Append(name);
            CheckName(start);
        }

        private void CheckName(int start)
        {
            if (!HttpSyntax.IsLegalHeaderName(_buffer.AsSpan(start, _length - start)))
            {
                throw new ArgumentException($"Invalid header name {PythonRepr.Bytes(_buffer.AsSpan(start, _length - start))}");
            }
            Append(": "u8);
        }

        private void AppendValue(ReadOnlySpan<char> value, int index)
        {
            int start = BeginValue(index);
            AppendLatin1(value);
            CheckValue(start);
        }

        private void AppendValue(ReadOnlySpan<byte> value, int index)
        {
            int start = BeginValue(index);
            Append(value);
            CheckValue(start);
        }

        private int BeginValue(int index)
        {
            if (index > 0)
            {
                Append("\r\n\t"u8);
            }
            return _length;
        }

        private void CheckValue(int start)
        {
            if (HttpSyntax.IsIllegalHeaderValue(_buffer.AsSpan(start, _length - start)))
            {
                throw new ArgumentException($"Invalid header value {PythonRepr.Bytes(_buffer.AsSpan(start, _length - start))}");
            }
        }

        public Span<byte> GetSpan(int size)
        {
            EnsureCapacity(size);
            return _buffer.AsSpan(_length, size);
        }

        public void Advance(int count) => _length += count;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(GetSpan(bytes.Length));
            _length += bytes.Length;
        }

        public void Append(byte b)
        {
            GetSpan(1)[0] = b;
            _length++;
        }

        public void AppendCrlf()
        {
            Span<byte> span = GetSpan(2);
            span[0] = (byte)'\r';
            span[1] = (byte)'\n';
            _length += 2;
        }

        /// <summary>Appends characters already checked to be at most U+00FF (latin-1, one byte each).</summary>
        public void AppendLatin1(ReadOnlySpan<char> text)
        {
            int written = Encoding.Latin1.GetBytes(text, GetSpan(text.Length));
            _length += written;
        }

        /// <summary>Appends an uppercase hex chunk size line (<c>12C\r\n</c>) as CPython's chunk framing does.</summary>
        public void AppendChunkSizeLine(long size)
        {
            Span<byte> span = GetSpan(18);
            size.TryFormat(span, out int written, "X", System.Globalization.CultureInfo.InvariantCulture);
            span[written] = (byte)'\r';
            span[written + 1] = (byte)'\n';
            _length += written + 2;
        }

        private void EnsureCapacity(int extra) => ByteAccumulator.Grow(ref _buffer, _length, _length + extra, InitialCapacity);
    }
}
