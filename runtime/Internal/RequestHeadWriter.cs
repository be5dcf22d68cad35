using System;
using System.Buffers;
using System.Text;

namespace Http.Client.Internal
{
    /// <summary>
    /// Collects the request line and header lines of one request in a pooled buffer, so the whole head (and a small
    /// body) reaches the transport in a single write.
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

        /// <summary>Truncates to an earlier length (drops a header that failed validation).</summary>
        public void Truncate(int length) => _length = length;

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

        private void EnsureCapacity(int extra)
        {
            int needed = _length + extra;
            if (needed <= _buffer.Length)
            {
                return;
            }
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(InitialCapacity, _buffer.Length * 2)));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
            _buffer = larger;
        }
    }
}
