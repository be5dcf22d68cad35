using System;
using System.IO;

namespace Http.Client.Tests.TestKit;

/// <summary>
/// The base of the tests' hand-written streams (transports and request bodies): readable, not seekable, no length,
/// a no-op flush, and read-only unless the subclass overrides <see cref="CanWrite"/> and <see cref="Write(byte[], int, int)"/>.
/// A subclass supplies only the reads (and writes) that its test is about.
/// </summary>
public abstract class UnseekableStream : Stream
{
    /// <inheritdoc/>
    public override bool CanRead => true;
    /// <inheritdoc/>
    public override bool CanSeek => false;
    /// <inheritdoc/>
    public override bool CanWrite => false;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc/>
    public override void Flush() { }
    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
