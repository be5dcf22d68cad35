using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Http.Client.Benchmarks.InMemory;

/// <summary>
/// An in-memory transport for the in-memory benchmarks: every request head written to it (each CRLF CRLF) arms one
/// copy of a canned response, which reads then serve. An async read with nothing armed waits (without allocating)
/// for the next request, as a socket would, so HttpClient's idle read-ahead behaves as on a real connection.
/// </summary>
internal sealed class CannedDuplexStream : Stream, IValueTaskSource<int>
{
    private readonly byte[] response;
    private int position;
    private bool serving;
    private int armed;
    private int matched; // bytes of "\r\n\r\n" matched at the end of what was written so far
    private ManualResetValueTaskSourceCore<int> waiter = new() { RunContinuationsAsynchronously = false };
    private Memory<byte> waitingBuffer;
    private bool waiting;

    public CannedDuplexStream(byte[] response) => this.response = response;

    private int held;

    /// <summary>
    /// When set, a request head written does not arm its response until <see cref="Release"/>: the client's async read
    /// of the head then suspends, as on a socket, and Release completes it on the calling thread (the whole async
    /// continuation chain runs inline, so the calling thread's CPU time includes it).
    /// </summary>
    public bool HoldResponses { get; set; }

    /// <summary>Arms the held responses and completes a waiting read with the first of them.</summary>
    public void Release()
    {
        armed += held;
        held = 0;
        CompleteWaitingRead();
    }

    /// <summary>Requests seen (heads written) so far.</summary>
    public long RequestCount { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (!serving)
        {
            if (armed == 0)
            {
                return 0;
            }

            armed--;
            serving = true;
            position = 0;
        }

        if (buffer.IsEmpty)
        {
            return 0;
        }

        int n = Math.Min(buffer.Length, response.Length - position);
        response.AsSpan(position, n).CopyTo(buffer);
        position += n;
        if (position == response.Length)
        {
            serving = false;
        }

        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (serving || armed > 0)
        {
            return new ValueTask<int>(Read(buffer.Span));
        }

        if (waiting)
        {
            throw new InvalidOperationException("concurrent reads");
        }

        waiting = true;
        waitingBuffer = buffer;
        waiter.Reset();
        return new ValueTask<int>(this, waiter.Version);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        foreach (byte b in buffer)
        {
            // A tiny matcher for CRLF CRLF across writes (GET heads only; no request bodies in these benchmarks).
            matched = b == (matched % 2 == 0 ? (byte)'\r' : (byte)'\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4)
            {
                matched = 0;
                if (HoldResponses)
                {
                    held++;
                }
                else
                {
                    armed++;
                }

                RequestCount++;
            }
        }

        CompleteWaitingRead();
    }

    private void CompleteWaitingRead()
    {
        if (waiting && armed > 0)
        {
            waiting = false;
            int n = Read(waitingBuffer.Span);
            waitingBuffer = default;
            waiter.SetResult(n);
        }
    }

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

    int IValueTaskSource<int>.GetResult(short token) => waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => waiter.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        waiter.OnCompleted(continuation, state, token, flags);
}
