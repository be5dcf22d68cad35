using System.Buffers;

namespace Http.Client.Internal
{
    /// <summary>
    /// A growable byte buffer rented from the pool, for bytes whose total size is not known up front (a body read to its
    /// end; the request head, see <see cref="RequestHeadWriter"/>). It doubles as it grows, the old array going back.
    /// </summary>
    internal class ByteAccumulator : IDisposable
    {
        private readonly int _initialCapacity;
        private byte[] _buffer = Array.Empty<byte>();
        private int _length;

        public ByteAccumulator(int initialCapacity = 4096) => _initialCapacity = initialCapacity;

        public int Length => _length;

        public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

        /// <summary>Free space of at least <paramref name="sizeHint"/> bytes (at least one) after the written bytes.</summary>
        public Memory<byte> GetMemory(int sizeHint)
        {
            EnsureCapacity(Math.Max(sizeHint, 1));
            return _buffer.AsMemory(_length);
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

        public byte[] ToArray() => WrittenSpan.ToArray();

        public void Clear() => _length = 0;

        /// <summary>Forgets what was written after the first <paramref name="length"/> bytes.</summary>
        protected void Truncate(int length) => _length = length;

        /// <summary>Returns the pooled array (an idle connection holds none); the accumulator stays usable.</summary>
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

        private void EnsureCapacity(int extra)
        {
            int needed = _length + extra;
            if (needed <= _buffer.Length)
            {
                return;
            }
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(_initialCapacity, (int)Math.Min((long)_buffer.Length * 2, Array.MaxLength))));
            WrittenSpan.CopyTo(larger);
            byte[] old = _buffer;
            _buffer = larger;
            if (old.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(old);
            }
        }
    }
}
