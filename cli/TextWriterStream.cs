using System;
using System.IO;
using System.Text;

namespace Http.Client.Cli;

/// <summary>
/// A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/>: lets callers that only have a
/// text writer for standard output (tests) receive the response body.
/// </summary>
internal sealed class TextWriterStream : Stream
{
    private readonly TextWriter _writer;
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();

    public TextWriterStream(TextWriter writer) => _writer = writer;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        char[] chars = new char[_decoder.GetCharCount(buffer, flush: false)];
        int written = _decoder.GetChars(buffer, chars, flush: false);
        _writer.Write(chars, 0, written);
    }

    public override void Flush() => _writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
