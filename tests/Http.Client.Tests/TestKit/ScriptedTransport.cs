using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Tests.TestKit;

/// <summary>How a <see cref="ScriptedTransport"/> hands its scripted bytes to the reader.</summary>
public enum ReadSplit
{
    /// <summary>As much as the caller asks for.</summary>
    Whole,
    /// <summary>One byte per read call.</summary>
    OneByte,
    /// <summary>Random piece sizes from a fixed seed (1).</summary>
    RandomSeed1,
    /// <summary>Random piece sizes from a fixed seed (2).</summary>
    RandomSeed2,
    /// <summary>Random piece sizes from a fixed seed (3).</summary>
    RandomSeed3,
}

/// <summary>What a <see cref="ScriptedTransport"/> does once its script is used up.</summary>
public enum ScriptEnd
{
    /// <summary>Reads return 0 (the peer closed).</summary>
    Eof,
    /// <summary>Reads block like a silent server until the transport is disposed, the token is cancelled,
    /// <see cref="ScriptedTransport.ReadTimeout"/> passes or <see cref="ScriptedTransport.HangLimit"/> passes.</summary>
    Hang,
    /// <summary>Reads throw IOException wrapping SocketError.ConnectionReset (ConnectionResetError).</summary>
    Reset,
}

/// <summary>
/// An in-memory duplex transport for <c>HttpConnection.ConnectCallback</c> (the port of CPython's FakeSocket,
/// EPipeSocket and NoEOFBytesIO): reads come from a script, writes are recorded.
/// </summary>
public sealed class ScriptedTransport : UnseekableStream
{
    /// <summary>Longest a hanging read waits before failing the test rather than hanging it.</summary>
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(15);

    /// <summary>Largest piece a random split hands out; small so that pieces cut lines and chunk frames.</summary>
    private const int MaxRandomPiece = 23;

    private readonly byte[] _script;
    private readonly ReadSplit _split;
    private readonly Random? _random;
    private readonly object _gate = new();
    private readonly MemoryStream _written = new();
    private readonly List<byte[]> _writes = new();
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _position;
    private int _readTimeout = Timeout.Infinite;
    private int _writeTimeout = Timeout.Infinite;

    /// <summary>Creates a transport that serves <paramref name="script"/> in pieces chosen by <paramref name="split"/>.</summary>
    public ScriptedTransport(byte[] script, ReadSplit split = ReadSplit.Whole)
    {
        _script = script;
        _split = split;
        _random = split switch
        {
            ReadSplit.RandomSeed1 => new Random(1),
            ReadSplit.RandomSeed2 => new Random(2),
            ReadSplit.RandomSeed3 => new Random(3),
            _ => null,
        };
    }

    /// <summary>Creates a transport that serves <paramref name="script"/> (Latin-1 text) in pieces chosen by <paramref name="split"/>.</summary>
    public ScriptedTransport(string script, ReadSplit split = ReadSplit.Whole) : this(Latin1.Bytes(script), split) { }

    /// <summary>Most bytes one read hands out, on top of <see cref="ReadSplit"/> (a transport that delivers in small pieces).</summary>
    public int MaxReadSize { get; init; } = int.MaxValue;

    /// <summary>What happens when the script is used up.</summary>
    public ScriptEnd End { get; init; } = ScriptEnd.Eof;

    /// <summary>NoEOFBytesIO: a read at the end of the script fails the read and sets <see cref="ReadAtEof"/>.</summary>
    public bool FailOnReadAtEof { get; init; }

    /// <summary>EPipeSocket: a write whose bytes contain this sequence throws IOException and records nothing.</summary>
    public byte[]? FailWriteContaining { get; init; }

    /// <summary>A write whose bytes contain this sequence blocks like a peer that stopped reading, until the transport is
    /// disposed, the token is cancelled, <see cref="WriteTimeout"/> passes or <see cref="HangLimit"/> passes.</summary>
    public byte[]? HangWriteContaining { get; init; }

    /// <summary>Sync Read/Write throw: proves an async code path never blocks on synchronous I/O.</summary>
    public bool SyncIoForbidden { get; init; }

    /// <summary>ReadAsync/WriteAsync throw: proves a sync code path (without a timeout) does not go through async I/O.</summary>
    public bool AsyncIoForbidden { get; init; }

    /// <summary>True once someone tried to read after the script ended while <see cref="FailOnReadAtEof"/> was set.</summary>
    public bool ReadAtEof { get; private set; }

    /// <summary>True once the transport was disposed (closed) by its user.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Number of script bytes handed to the reader so far.</summary>
    public int BytesConsumed { get { lock (_gate) { return _position; } } }

    /// <summary>Number of script bytes never read.</summary>
    public int BytesUnread { get { lock (_gate) { return _script.Length - _position; } } }

    /// <summary>Every byte written, in order.</summary>
    public byte[] Written { get { lock (_gate) { return _written.ToArray(); } } }

    /// <summary>Every byte written, in order, as Latin-1 text.</summary>
    public string Sent => Latin1.Text(Written);

    /// <summary>Each successful write call's bytes, in order (a sendall call in CPython's terms).</summary>
    public IReadOnlyList<byte[]> Writes { get { lock (_gate) { return _writes.ToArray(); } } }

    /// <summary>Number of successful write calls.</summary>
    public int WriteCount { get { lock (_gate) { return _writes.Count; } } }

    /// <inheritdoc/>
    public override bool CanRead => !IsDisposed;
    /// <inheritdoc/>
    public override bool CanWrite => !IsDisposed;
    /// <inheritdoc/>
    public override bool CanTimeout => true;
    /// <inheritdoc/>
    public override int ReadTimeout { get => _readTimeout; set => _readTimeout = value; }
    /// <inheritdoc/>
    public override int WriteTimeout { get => _writeTimeout; set => _writeTimeout = value; }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (SyncIoForbidden) throw new InvalidOperationException("synchronous Read on an async path");
        if (TryReadScript(buffer, out int n)) return n;
        // Hang: block until disposed or a timeout passes.
        int waitMs = _readTimeout == Timeout.Infinite ? (int)HangLimit.TotalMilliseconds : Math.Min(_readTimeout, (int)HangLimit.TotalMilliseconds);
        if (_disposed.Task.Wait(waitMs)) throw new ObjectDisposedException(nameof(ScriptedTransport));
        if (_readTimeout != Timeout.Infinite && _readTimeout < HangLimit.TotalMilliseconds)
            throw new IOException("scripted read timed out", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.TimedOut));
        throw new IOException("ScriptedTransport: hang limit reached (the code under test waited on a silent peer)");
    }

    /// <inheritdoc/>
    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (AsyncIoForbidden) throw new InvalidOperationException("ReadAsync on a synchronous path");
        cancellationToken.ThrowIfCancellationRequested();
        if (TryReadScript(buffer.Span, out int n)) return n;
        var hang = Task.Delay(HangLimit, cancellationToken);
        var first = await Task.WhenAny(hang, _disposed.Task).ConfigureAwait(false);
        if (first == _disposed.Task) throw new ObjectDisposedException(nameof(ScriptedTransport));
        cancellationToken.ThrowIfCancellationRequested();
        throw new IOException("ScriptedTransport: hang limit reached (the code under test waited on a silent peer)");
    }

    private bool TryReadScript(Span<byte> buffer, out int n)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        lock (_gate)
        {
            int remaining = _script.Length - _position;
            if (buffer.Length == 0) { n = 0; return true; }
            if (remaining == 0)
            {
                if (FailOnReadAtEof)
                {
                    ReadAtEof = true;
                    throw new InvalidOperationException("caller tried to read past EOF (NoEOFBytesIO)");
                }
                n = 0;
                if (End == ScriptEnd.Reset)
                    throw new IOException("connection reset (scripted)", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset));
                return End == ScriptEnd.Eof;
            }
            int piece = _split switch
            {
                ReadSplit.Whole => remaining,
                ReadSplit.OneByte => 1,
                _ => _random!.Next(1, MaxRandomPiece + 1),
            };
            n = Math.Min(Math.Min(Math.Min(piece, remaining), buffer.Length), MaxReadSize);
            _script.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return true;
        }
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (SyncIoForbidden) throw new InvalidOperationException("synchronous Write on an async path");
        WriteCore(buffer);
    }

    private void WriteCore(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (HangWriteContaining is { } hangTrigger && buffer.IndexOf(hangTrigger) >= 0)
        {
            int waitMs = _writeTimeout == Timeout.Infinite ? (int)HangLimit.TotalMilliseconds : Math.Min(_writeTimeout, (int)HangLimit.TotalMilliseconds);
            if (_disposed.Task.Wait(waitMs)) throw new ObjectDisposedException(nameof(ScriptedTransport));
            if (_writeTimeout != Timeout.Infinite && _writeTimeout < HangLimit.TotalMilliseconds)
                throw new IOException("scripted write timed out", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.TimedOut));
            throw new IOException("ScriptedTransport: hang limit reached (the code under test wrote to a peer that never reads)");
        }
        if (FailWriteContaining is { } trigger && buffer.IndexOf(trigger) >= 0)
            throw new IOException("gotcha", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.Shutdown));
        lock (_gate)
        {
            _written.Write(buffer);
            _writes.Add(buffer.ToArray());
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (AsyncIoForbidden) throw new InvalidOperationException("WriteAsync on a synchronous path");
        cancellationToken.ThrowIfCancellationRequested();
        if (HangWriteContaining is { } hangTrigger && buffer.Span.IndexOf(hangTrigger) >= 0)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var first = await Task.WhenAny(Task.Delay(HangLimit, cancellationToken), _disposed.Task).ConfigureAwait(false);
            if (first == _disposed.Task) throw new ObjectDisposedException(nameof(ScriptedTransport));
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException("ScriptedTransport: hang limit reached (the code under test wrote to a peer that never reads)");
        }
        WriteCore(buffer.Span);
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        _disposed.TrySetResult();
        base.Dispose(disposing);
    }
}
