using System;
using System.Buffers;

namespace Http.Client.Internal
{
    /// <summary>A growable pooled byte buffer for reads whose total size is not known up front.</summary>
    internal sealed class ByteAccumulator : IDisposable
    {
        private const int InitialCapacity = 4096;

        private byte[] _buffer = Array.Empty<byte>();
        private int _length;

        public int Length => _length;

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

        /// <summary>Free space of at least <paramref name="sizeHint"/> bytes (capped to what the total may reach).</summary>
        public Memory<byte> GetMemory(int sizeHint)
        {
            Grow(ref _buffer, _length, _length + Math.Max(sizeHint, 1), InitialCapacity);
            return _buffer.AsMemory(_length);
        }

        public void Advance(int count) => _length += count;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(GetMemory(bytes.Length).Span);
            _length += bytes.Length;
        }

        public byte[] ToArray() => _length == 0 ? Array.Empty<byte>() : _buffer.AsSpan(0, _length).ToArray();

        public void Dispose()
        {
            ReturnBuffer();
            _buffer = Array.Empty<byte>();
            _length = 0;
        }

        /// <summary>
        /// Makes a pooled <paramref name="buffer"/> hold at least <paramref name="needed"/> bytes, keeping its first
        /// <paramref name="length"/>: a larger array (doubling, at least <paramref name="initialCapacity"/>) rented from the
        /// pool, the old one returned. Shared with <see cref="RequestHeadWriter"/>.
        /// </summary>
        public static void Grow(ref byte[] buffer, int length, int needed, int initialCapacity)
        {
            if (needed <= buffer.Length)
            {
                return;
            }
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(initialCapacity, (int)Math.Min((long)buffer.Length * 2, Array.MaxLength))));
            buffer.AsSpan(0, length).CopyTo(larger);
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            buffer = larger;
        }

        private void ReturnBuffer()
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
        }
    }
}
