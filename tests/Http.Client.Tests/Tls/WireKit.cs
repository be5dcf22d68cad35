using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;

namespace Http.Client.Tests.Tls;

/// <summary>Small wire helpers shared by the loopback TLS server and the loopback CONNECT proxy.</summary>
internal static class WireKit
{
    /// <summary>Upper bound for a wait that should succeed; generous for a loaded 2-core machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Largest request or CONNECT head the test servers accept; a bigger one is a bug.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>
    /// Reads one message head up to and including the blank line, byte by byte (so nothing past the head
    /// is consumed). Returns null at end of stream before any byte.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream ended inside the head, or the head is too long.</exception>
    public static async Task<byte[]?> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new MemoryStream();
        var one = new byte[1];
        while (head.Length < MaxHeadBytes)
        {
            var read = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (head.Length == 0)
                {
                    return null;
                }
                throw new InvalidDataException($"End of stream inside a message head after {head.Length} bytes.");
            }
            head.WriteByte(one[0]);
            var bytes = head.GetBuffer();
            var n = (int)head.Length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n')
            {
                return head.ToArray();
            }
        }
        throw new InvalidDataException($"Message head longer than {MaxHeadBytes} bytes.");
    }

    /// <summary>The value of header <paramref name="name"/> in <paramref name="head"/>, or null.</summary>
    public static string? Header(string head, string name)
    {
        foreach (var line in head.Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }
        return null;
    }

    /// <summary>
    /// Resolves once <paramref name="stream"/> ends or fails: the peer closed the connection. Reads and
    /// discards anything that arrives first.
    /// </summary>
    public static async Task WaitForEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A reset or a TLS alert also means the client has gone.
        }
    }
}

/// <summary>
/// A pass-through stream on the test server's side of a socket that keeps a copy of the first bytes the
/// server reads, so a test can inspect the client's ClientHello as it was on the wire.
/// </summary>
internal sealed class RecordingStream(Stream inner) : UnseekableStream
{
    // A ClientHello fits easily (even with post-quantum key shares); nothing later is needed.
    private const int MaxRecorded = 32 * 1024;

    private readonly MemoryStream _recorded = new();

    /// <summary>A copy of the first bytes read (up to 32 KB).</summary>
    public byte[] Recorded
    {
        get
        {
            lock (_recorded)
            {
                return _recorded.ToArray();
            }
        }
    }

    public override bool CanWrite => true;

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Record(buffer.AsSpan(offset, read));
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Record(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => inner.WriteAsync(buffer, offset, count, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Record(ReadOnlySpan<byte> bytes)
    {
        lock (_recorded)
        {
            var room = MaxRecorded - (int)_recorded.Length;
            if (room > 0)
            {
                _recorded.Write(bytes[..Math.Min(room, bytes.Length)]);
            }
        }
    }
}
