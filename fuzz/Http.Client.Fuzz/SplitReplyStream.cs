using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Fuzz;

/// <summary>
/// The server side of one fuzzed connection: delivers a fixed reply in reads whose sizes cycle through a split table
/// (each read also capped by the caller's buffer), then end of stream. Writes (the request) are counted, and kept
/// only when asked.
/// Every call completes synchronously, so an async exchange runs on the calling thread and its allocations can be
/// measured there.
/// </summary>
public sealed class SplitReplyStream : Stream
{
    private readonly ReadOnlyMemory<byte> _reply;
    private readonly int[] _splits;
    private readonly MemoryStream? _written;
    private int _position;
    private int _nextSplit;

    /// <summary>
    /// A stream that serves <paramref name="reply"/>; an empty <paramref name="splits"/> means "as much as asked".
    /// With <paramref name="recordWrites"/>, the client's bytes are kept in <see cref="Written"/>.
    /// </summary>
    public SplitReplyStream(ReadOnlyMemory<byte> reply, int[] splits, bool recordWrites = false)
    {
        _reply = reply;
        _splits = splits;
        _written = recordWrites ? new MemoryStream() : null;
    }

    /// <summary>What the client wrote, when recorded (else empty).</summary>
    public byte[] Written => _written?.ToArray() ?? Array.Empty<byte>();

    /// <summary>Reads served so far, end-of-stream reads included.</summary>
    public int ReadCalls { get; private set; }

    /// <summary>Bytes the client wrote (its requests).</summary>
    public long BytesWritten { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(Span<byte> buffer)
    {
        ReadCalls++;
        int left = _reply.Length - _position;
        if (left == 0 || buffer.Length == 0)
        {
            return 0;
        }
        int size = _splits.Length == 0 ? left : _splits[_nextSplit++ % _splits.Length];
        size = Math.Min(Math.Min(size, left), buffer.Length);
        _reply.Span.Slice(_position, size).CopyTo(buffer);
        _position += size;
        return size;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new ValueTask<int>(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        BytesWritten += buffer.Length;
        _written?.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
