using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Tests.Tls;

/// <summary>
/// A CONNECT proxy on 127.0.0.1 written for the tests. It records the exact bytes of each CONNECT head,
/// answers with the reply the test's <c>decide</c> function gives, and on a 2xx reply relays bytes both
/// ways to a fixed loopback port (whatever host the CONNECT named, so a test can tunnel to a made-up
/// name such as <c>good.test</c>). On any other reply it closes the connection, as real proxies do.
/// </summary>
internal sealed class LoopbackConnectProxy : LoopbackListener<ProxiedConnection>
{
    // Relay buffer: a few TLS records.
    private const int RelayBufferSize = 16 * 1024;

    private readonly IPEndPoint _target;
    private readonly Func<string, string> _decide;

    /// <summary>Starts the proxy.</summary>
    /// <param name="targetPort">The loopback port every accepted tunnel is relayed to.</param>
    /// <param name="decide">Maps the CONNECT head (Latin-1 text) to the full reply head to send.</param>
    /// <param name="targetAddress">The loopback address of the target (127.0.0.1 by default).</param>
    public LoopbackConnectProxy(int targetPort, Func<string, string> decide, IPAddress? targetAddress = null)
        : base("proxy", IPAddress.Loopback)
    {
        _target = new IPEndPoint(targetAddress ?? IPAddress.Loopback, targetPort);
        _decide = decide;
        StartAccepting();
    }

    /// <summary>A reply accepting the tunnel, with two extra headers the tests read back.</summary>
    public const string Established =
        "HTTP/1.1 200 Connection established\r\nProxy-Agent: loopback-test-proxy\r\nX-Tunnel-Id: 7\r\n\r\n";

    /// <summary>A reply refusing the tunnel until the client authenticates.</summary>
    public const string AuthenticationRequired =
        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n";

    /// <inheritdoc/>
    protected override async Task ServeAsync(Socket socket)
    {
        // Published at accept, before the CONNECT head arrives, so a test can wait on it.
        var connection = new ProxiedConnection();
        Publish(connection);
        var token = Stopping;
        await using var client = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var head = await WireKit.ReadHeadAsync(client, token);
            if (head is null)
            {
                return;
            }
            connection.ConnectHead.TrySetResult(head);
            var reply = _decide(Encoding.Latin1.GetString(head));
            await client.WriteAsync(Encoding.Latin1.GetBytes(reply), token);
            if (!reply.StartsWith("HTTP/1.1 2", StringComparison.Ordinal) && !reply.StartsWith("HTTP/1.0 2", StringComparison.Ordinal))
            {
                return;
            }

            using var target = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await target.ConnectAsync(_target, token);
            await using var targetStream = new NetworkStream(target, ownsSocket: false);
            using var relayEnd = CancellationTokenSource.CreateLinkedTokenSource(token);
            var up = RelayAsync(client, targetStream, target, relayEnd.Token);
            var down = RelayAsync(targetStream, client, socket, relayEnd.Token);
            await Task.WhenAny(up, down);
            // Either side closed: stop the other direction too.
            relayEnd.Cancel();
            await Task.WhenAll(up, down);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidDataException or SocketException or ObjectDisposedException)
        {
            // The client went away or the test ended; Closed reports it below.
        }
        finally
        {
            connection.ConnectHead.TrySetResult(Array.Empty<byte>());
            connection.Closed.TrySetResult();
        }
    }

    private static async Task RelayAsync(Stream from, Stream to, Socket toSocket, CancellationToken token)
    {
        var buffer = new byte[RelayBufferSize];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), token);
            }
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One side closed or reset; the caller tears both down.
        }
    }
}

/// <summary>What the loopback proxy saw on one accepted connection.</summary>
internal sealed class ProxiedConnection
{
    /// <summary>The exact CONNECT head received (empty if the client sent none).</summary>
    public TaskCompletionSource<byte[]> ConnectHead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the connection (and any relay) has ended.</summary>
    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The CONNECT head as Latin-1 text, waiting at most <see cref="WireKit.Patience"/>.</summary>
    public async Task<string> ConnectHeadTextAsync() => Encoding.Latin1.GetString(await ConnectHead.Task.WaitAsync(WireKit.Patience));
}
