using System.Net;
using System.Net.Sockets;

namespace Http.Client
{
    public partial class HttpConnection
    {
        /// <summary>Layers a protocol over a fresh transport (after any tunnel): HTTP keeps it, HTTPS runs TLS with
        /// <paramref name="targetHost"/>. On failure the caller closes the transport.</summary>
        private protected virtual ValueTask<Stream> WrapTransportAsync(Stream transport, string targetHost, bool async, CancellationToken cancellationToken) =>
            new ValueTask<Stream>(transport);

        /// <summary>Opens a transport: the callback or TCP, then the tunnel, then <see cref="WrapTransportAsync"/>.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<Transport> OpenTransportCore(bool async, CancellationToken cancellationToken)
        {
            // Headers of an earlier tunnel (or proxy) must not describe this transport.
            _tunnelResponse = null;
            Stream stream = await OpenStreamCore(async, cancellationToken).ConfigureAwait(false);
            var transport = new Transport(stream, Timeout) { Metrics = StartConnectionTelemetry() };
            try
            {
                if (TunnelHost is not null)
                {
                    await TunnelCore(async, transport, cancellationToken).ConfigureAwait(false);
                }
                Stream wrapped = await WrapTransportAsync(transport.Stream, ServerHost, async, cancellationToken).ConfigureAwait(false);
                if (!ReferenceEquals(wrapped, transport.Stream))
                {
                    transport.ReplaceStream(wrapped);
                }
                return transport;
            }
            catch
            {
                transport.Close();
                throw;
            }
        }

        /// <summary>The callback's stream or a TCP socket, under one connect timer (TLS reuses it for the handshake).</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<Stream> OpenStreamCore(bool async, CancellationToken cancellationToken)
        {
            using TimeoutScope scope = StartConnectTimer(cancellationToken);
            try
            {
                Func<DnsEndPoint, CancellationToken, ValueTask<Stream>>? callback = ConnectCallback;
                if (callback is null)
                {
                    return await ConnectTcpCore(async, scope.IsTimed, scope.Token).ConfigureAwait(false);
                }
                if (Host.Length == 0)
                {
                    throw new IOException("No host to connect to.");
                }
                ValueTask<Stream> pending = callback(new DnsEndPoint(Host, Port), scope.Token);
                Stream stream = async || pending.IsCompleted
                    ? await pending.ConfigureAwait(false)
                    : pending.AsTask().GetAwaiter().GetResult();
                return stream ?? throw new InvalidOperationException("ConnectCallback returned null.");
            }
            catch (Exception e) when (scope.Expired(e))
            {
                throw Timeouts.Error(e);
            }
        }

        /// <summary>Starts the timer of a connect step (TCP or callback, then TLS): one reused token source.</summary>
        private protected TimeoutScope StartConnectTimer(CancellationToken cancellationToken) => _connectTimer.Start(Timeout, cancellationToken);

        /// <summary>CPython's socket.create_connection: try each resolved address in turn, bind the source, Nagle off.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<Stream> ConnectTcpCore(bool async, bool timed, CancellationToken cancellationToken)
        {
            IPAddress[] addresses;
            try
            {
                if (Host.Length == 0)
                {
                    throw new SocketException((int)SocketError.HostNotFound);
                }
                if (IPAddress.TryParse(Host, out IPAddress? literal))
                {
                    addresses = new[] { literal };
                }
                else if (async || timed)
                {
                    Task<IPAddress[]> lookup = Dns.GetHostAddressesAsync(Host, cancellationToken);
                    addresses = async ? await lookup.ConfigureAwait(false) : lookup.GetAwaiter().GetResult();
                }
                else
                {
                    addresses = Dns.GetHostAddresses(Host);
                }
            }
            catch (SocketException e)
            {
                throw new IOException($"{e.Message} ({Host})", e);
            }
            Exception? last = null;
            foreach (IPAddress address in addresses)
            {
                if (SourceAddress is not null && SourceAddress.AddressFamily != address.AddressFamily)
                {
                    continue;
                }
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.NoDelay = true;
                    if (SourceAddress is not null)
                    {
                        socket.Bind(SourceAddress);
                    }
                    var endPoint = new IPEndPoint(address, Port);
                    if (async)
                    {
                        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                    }
                    else if (timed)
                    {
                        Timeouts.ConnectBlocking(socket, endPoint, cancellationToken);
                    }
                    else
                    {
                        socket.Connect(endPoint);
                    }
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (Exception e)
                {
                    socket.Dispose();
                    if (e is not SocketException)
                    {
                        throw;
                    }
                    last = e;
                }
            }
            // OSError maps to IOException (DESIGN.md); the socket error stays inside.
            Exception failure = last ?? new SocketException((int)SocketError.AddressFamilyNotSupported);
            throw new IOException(failure.Message, failure);
        }

        /// <summary>The CONNECT exchange in one write (docs/differences.md #12: HTTP/1.1 with a Host header, IPv6 bracketed
        /// without its zone id); a reply other than 200 closes the transport and throws <see cref="TunnelConnectionException"/>.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask TunnelCore(bool async, Transport transport, CancellationToken cancellationToken)
        {
            string authority = UriHost(TunnelHost!) + ":" + TunnelPort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string head = $"CONNECT {authority} HTTP/1.1\r\n" + (_tunnelHeadersHaveHost ? "" : $"Host: {authority}\r\n");
            byte[] request = [.. System.Text.Encoding.ASCII.GetBytes(head), .. _tunnelHeaderLines, .. "\r\n"u8];
            Debug.Send(request);
            await transport.WriteAsync(async, request, cancellationToken).ConfigureAwait(false);

            var decoder = new ResponseHeadDecoder(Limits, tunnel: true, DebugWriter, previous: null);
            ResponseHeadDecoder reply = await transport.ReadHeadAsync(async, decoder, Limits, cancellationToken).ConfigureAwait(false);
            if (reply.Status != 200)
            {
                // CPython 3.12 reads (and shows) the refusal's headers too; here they travel with the exception.
                transport.Close();
                throw new TunnelConnectionException(reply.Status, reply.Reason) { Headers = reply.Headers! };
            }
            _tunnelResponse = (reply.Status, reply.Reason, reply.Headers!);
        }
    }

    /// <summary>The handwritten half of the generated exception: the proxy's reply headers (not in the spec, whose types stand alone).</summary>
    public partial class TunnelConnectionException
    {
        /// <summary>The header fields of the proxy's refusal (for a 407, <c>Proxy-Authenticate</c> names the schemes it accepts).</summary>
        public HttpMessage Headers { get; internal init; } = new HttpMessage();
    }
}
