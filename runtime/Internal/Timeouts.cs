using System.Net;
using System.Net.Sockets;

namespace Http.Client.Internal
{
    /// <summary>
    /// The connection's <see cref="HttpConnection.Timeout"/>, applied the same way to connect, TLS handshake, read and
    /// write. A synchronous call on a stream with timeouts of its own (a socket) blocks under those: no timer, no
    /// allocation. Everything else (async calls, streams without timeouts, connect) runs in a <see cref="TimeoutScope"/>
    /// from a <see cref="TimeoutTimer"/>, one reusable token source per kind of operation. Either expiry becomes
    /// <c>TimeoutException("timed out")</c> (Python's <c>TimeoutError</c>) in <see cref="Error"/>, the one place that builds it.
    /// </summary>
    internal static class Timeouts
    {
        /// <summary>Sets <paramref name="timeout"/> as the stream's own read and write timeouts where it has them.</summary>
        /// <returns>True when synchronous calls on the stream then time out by themselves (or no timeout is set).</returns>
        public static bool TryApply(Stream stream, TimeSpan? timeout)
        {
            if (timeout is not TimeSpan t)
            {
                return true;
            }
            if (!stream.CanTimeout)
            {
                return false;
            }
            try
            {
                stream.ReadTimeout = stream.WriteTimeout = Milliseconds(t);
                return true;
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
            {
                return false;
            }
        }

        /// <summary>The timeout in whole milliseconds, at least 1, for timers and socket options.</summary>
        public static int Milliseconds(TimeSpan timeout)
        {
            double ms = Math.Ceiling(timeout.TotalMilliseconds);
            return ms <= 0 ? 1 : ms >= int.MaxValue ? int.MaxValue - 1 : (int)ms;
        }

        /// <summary>The exception every expired timeout becomes.</summary>
        public static TimeoutException Error(Exception cause) => new TimeoutException("timed out", cause);

        /// <summary>True when an exception chain carries a socket's own timeout (blocking reads and writes).</summary>
        public static bool IsSocketTimeout(Exception e)
        {
            for (Exception? current = e; current is not null; current = current.InnerException)
            {
                if (current is SocketException { SocketErrorCode: SocketError.TimedOut })
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>
        /// A blocking connect under a connect timer's <paramref name="token"/> that leaves the socket in blocking mode: ConnectAsync
        /// (or Blocking = false) switches a .NET socket to non-blocking for good, after which every sync Send/Receive goes
        /// through the runtime's emulation (measured: about 0.6x the throughput and 184 B allocated per request). Expiry
        /// disposes the socket, which aborts the connect; a socket disposed just after connecting counts as expired too.
        /// </summary>
        public static void ConnectBlocking(Socket socket, IPEndPoint endPoint, CancellationToken token)
        {
            try
            {
                using (token.UnsafeRegister(static state => ((Socket)state!).Dispose(), socket))
                {
                    socket.Connect(endPoint);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException && token.IsCancellationRequested)
            {
                // Reported below as the expiry it is.
            }
            token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Starts timed operations of one kind (connect, read, write) on one token source reused through
    /// <see cref="CancellationTokenSource.TryReset"/>. A mutable struct: keep it in a field and call it there.
    /// </summary>
    internal struct TimeoutTimer
    {
        private CancellationTokenSource? _source;

        /// <summary>The scope's token fires after <paramref name="timeout"/> (when given) or with <paramref name="cancellationToken"/>.</summary>
        public TimeoutScope Start(TimeSpan? timeout, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (timeout is not TimeSpan limit)
            {
                return new TimeoutScope(null, default, cancellationToken, blocking: false);
            }
            CancellationTokenSource source = _source is not null && _source.TryReset() ? _source : (_source = new CancellationTokenSource());
            source.CancelAfter(Timeouts.Milliseconds(limit));
            CancellationTokenRegistration link = cancellationToken.CanBeCanceled
                ? cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), source)
                : default;
            return new TimeoutScope(source, link, cancellationToken, blocking: false);
        }
    }

    /// <summary>
    /// One timed operation: pass <see cref="Token"/> to the call, map a failure with <see cref="Expired"/> and
    /// <see cref="Timeouts.Error"/>, dispose to stop the timer. <see cref="Blocking"/> is the scope of a synchronous call
    /// timed by the socket itself.
    /// </summary>
    internal readonly struct TimeoutScope(CancellationTokenSource? source, CancellationTokenRegistration link, CancellationToken caller, bool blocking)
        : IDisposable
    {
        /// <summary>A synchronous call that the stream's own timeouts bound (see <see cref="Timeouts.TryApply"/>).</summary>
        public static TimeoutScope Blocking => new TimeoutScope(null, default, default, blocking: true);

        /// <summary>True when a timer runs: the operation must then be one that <see cref="Token"/> can stop.</summary>
        public bool IsTimed => source is not null;

        /// <summary>The token for the operation: the timer linked with the caller's token.</summary>
        public CancellationToken Token => source?.Token ?? caller;

        /// <summary>True when <paramref name="e"/> reports this scope's expiry rather than the caller's cancellation.</summary>
        public bool Expired(Exception e) => e is OperationCanceledException
            ? source is { IsCancellationRequested: true } && !caller.IsCancellationRequested
            : blocking && Timeouts.IsSocketTimeout(e);

        public void Dispose()
        {
            link.Dispose();
            source?.CancelAfter(Timeout.Infinite);
        }
    }
}
