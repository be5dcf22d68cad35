using System;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Benchmarks.Profiling;

/// <summary>A NetworkStream that counts its reads and writes (each one socket call), for the "allocs" profile.</summary>
internal sealed class CountingNetworkStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
{
    public long Reads { get; private set; }

    public long Writes { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        return Socket.Receive(buffer);
    }

    // The array overloads route through the span ones, so each socket call is counted exactly once.
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Reads++;
        return base.ReadAsync(buffer, cancellationToken);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Writes++;
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Socket.Send(buffer)..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Writes++;
        return base.WriteAsync(buffer, cancellationToken);
    }
}
