namespace Http.Client.Internal
{
    /// <summary>
    /// The raw duplex stream after a <c>101 Switching Protocols</c> head: the receive buffer's leftover bytes first, then
    /// the transport, whose timeouts still apply. Owns the transport: disposing closes it.
    /// </summary>
    internal sealed class UpgradedStream : Stream
    {
        private readonly Transport _transport;
        private bool _disposed;

        public UpgradedStream(Transport transport) => _transport = transport;

        public override bool CanRead => !_disposed;

        public override bool CanWrite => !_disposed;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException("An upgraded stream has no length.");

        public override long Position
        {
            get => throw NoSeeking();
            set => throw NoSeeking();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            return ReadCore(false, buffer.AsMemory(offset, count), default).GetAwaiter().GetResult();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ReadCore(true, buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ValidateBufferArguments(buffer, offset, count);
            return ReadCore(true, buffer.AsMemory(offset, count), cancellationToken).AsTask();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            Write(buffer.AsSpan(offset, count));
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _transport.Write(buffer);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _disposed
            ? ValueTask.FromException(new ObjectDisposedException(nameof(UpgradedStream)))
            : _transport.WriteAsync(true, buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ValidateBufferArguments(buffer, offset, count);
            return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        }

        public override void Flush()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _transport.FlushAsync(false, default).GetAwaiter().GetResult();
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _transport.FlushAsync(true, cancellationToken).AsTask();
        }

        public override long Seek(long offset, SeekOrigin origin) => throw NoSeeking();

        public override void SetLength(long value) => throw NoSeeking();

        protected override void Dispose(bool disposing)
        {
            if (!_disposed)
            {
                _disposed = true;
                _transport.Close();
            }
            base.Dispose(disposing);
        }

        private static NotSupportedException NoSeeking() => new NotSupportedException("An upgraded stream does not support seeking.");

        /// <summary>Buffered bytes left after the 101 head first (no I/O); then one read from the transport.</summary>
        private ValueTask<int> ReadCore(bool async, Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (_disposed)
            {
                return ValueTask.FromException<int>(new ObjectDisposedException(nameof(UpgradedStream)));
            }
            int buffered = Math.Min(_transport.Buffered, destination.Length);
            if (buffered > 0)
            {
                _transport.BufferedSpan.Slice(0, buffered).CopyTo(destination.Span);
                _transport.Consume(buffered);
                return new ValueTask<int>(buffered);
            }
            return destination.IsEmpty ? new ValueTask<int>(0) : _transport.ReceiveAsync(async, destination, cancellationToken);
        }
    }
}
