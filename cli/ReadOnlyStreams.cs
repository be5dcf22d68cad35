using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli;

/// <summary>The part every forward-only, read-only pass-through stream shares: no seeking, no writing.</summary>
internal abstract class ForwardReadStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// Counts the bytes read: the body's size as it came over the wire, before any <c>--compressed</c> decoding
/// (for the progress line, the truncation check and <c>%{size_download}</c>).
/// </summary>
internal sealed class CountingReadStream : ForwardReadStream
{
    private readonly Stream _inner;

    public CountingReadStream(Stream inner) => _inner = inner;

    public long BytesRead { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        BytesRead += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        BytesRead += read;
        return read;
    }
}

/// <summary>Bytes already read from a stream (<see cref="Prefix"/>), then the rest of that stream.</summary>
internal sealed class PrefixedReadStream : ForwardReadStream
{
    private readonly Stream _rest;
    private int _prefixOffset;

    public PrefixedReadStream(ReadOnlyMemory<byte> prefix, Stream rest)
    {
        Prefix = prefix;
        _rest = rest;
    }

    public ReadOnlyMemory<byte> Prefix { get; }

    public override int Read(Span<byte> buffer)
    {
        if (_prefixOffset < Prefix.Length)
        {
            return CopyPrefix(buffer);
        }

        return _rest.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefixOffset < Prefix.Length)
        {
            return ValueTask.FromResult(CopyPrefix(buffer.Span));
        }

        return _rest.ReadAsync(buffer, cancellationToken);
    }

    private int CopyPrefix(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, Prefix.Length - _prefixOffset);
        Prefix.Span.Slice(_prefixOffset, count).CopyTo(buffer);
        _prefixOffset += count;
        return count;
    }
}
