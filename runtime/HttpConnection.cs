using System.Collections.Generic;
using System.Net;

namespace Http.Client
{
    /// <summary>
    /// One HTTP/1.1 client connection (Python's <c>http.client.HTTPConnection</c>): send a request with
    /// <see cref="Request"/> or step by step (<see cref="PutRequest"/>, <see cref="PutHeader(string, string[])"/>,
    /// <see cref="EndHeaders"/>, <see cref="Send(ReadOnlySpan{byte})"/>), read the <see cref="HttpResponse"/> from
    /// <see cref="GetResponse"/>, then send the next request on the same kept-alive transport. The transport opens on
    /// first use and reopens after <see cref="Close"/> or a response that closes the connection.
    /// <para>
    /// One connection is one conversation: its members are not safe to call from several threads at once (as
    /// Python's). Use one connection per concurrent conversation; <see cref="Close"/> from another thread aborts
    /// a blocked call by closing its transport.
    /// </para>
    /// </summary>
    public partial class HttpConnection : IDisposable, IAsyncDisposable
    {
        /// <summary>The default HTTP port (Python's <c>HTTP_PORT</c>).</summary>
        public const int DefaultPort = 80;

        /// <summary>CPython's default <c>blocksize</c>: bytes (or characters) read per piece from a stream body.</summary>
        private protected const int DefaultBlockSize = 8192;

        private readonly int _defaultPort;
        private readonly RequestHeadWriter _head = new RequestHeadWriter();
        private Transport? _transport;
        private HttpResponse? _pendingResponse;
        private string? _method;
        private byte[] _tunnelHeaderLines = Array.Empty<byte>(); // the caller's CONNECT header lines, validated and encoded
        private bool _tunnelHeadersHaveHost;
        private TimeoutTimer _connectTimer;
        private (int Status, string Reason, HttpMessage Headers)? _tunnelResponse; // the current tunnel's CONNECT reply
        private string? _hostHeaderValue; // the automatic Host value, cached; SetTunnel resets it
        private bool _requestHasUpgrade; // the caller gave the current request an Upgrade header: a 101 hands over the transport

        /// <summary>
        /// Creates a connection to <paramref name="host"/> (nothing is opened yet). Without <paramref name="port"/>,
        /// <c>host:port</c> and <c>[IPv6]:port</c> are split as CPython does; an empty port means the default port.
        /// </summary>
        /// <param name="host">Host name or address; may carry <c>:port</c>; IPv6 in brackets.</param>
        /// <param name="port">Port; when given, <paramref name="host"/> is not parsed for one.</param>
        /// <param name="timeout">Limit for connecting and for every blocking send or receive; null blocks.</param>
        /// <param name="sourceAddress">Local address (and port, 0 for any) to bind before connecting.</param>
        /// <param name="blockSize">Bytes (or characters) read per piece from a stream or reader body.</param>
        /// <exception cref="InvalidUrlException">The port is not a number or out of range, or the host holds control characters.</exception>
        public HttpConnection(string host, int? port = null, TimeSpan? timeout = null, IPEndPoint? sourceAddress = null, int blockSize = DefaultBlockSize)
            : this(host, port, timeout, sourceAddress, blockSize, DefaultPort)
        {
        }

        private protected HttpConnection(string host, int? port, TimeSpan? timeout, IPEndPoint? sourceAddress, int blockSize, int defaultPort)
        {
            ArgumentNullException.ThrowIfNull(host);
            if (blockSize <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "The block size must be positive.");
            }
            if (timeout is TimeSpan t && t < TimeSpan.Zero && t != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must not be negative.");
            }
            _defaultPort = defaultPort;
            (Host, Port) = HttpSyntax.SplitHostPort(host, port, defaultPort);
            HttpSyntax.ValidateUrlCharacters(Host);
            Timeout = timeout == System.Threading.Timeout.InfiniteTimeSpan ? null : timeout;
            SourceAddress = sourceAddress;
            BlockSize = blockSize;
        }

        /// <summary>The host to connect to (brackets of an IPv6 address removed).</summary>
        public string Host { get; }

        /// <summary>The port to connect to.</summary>
        public int Port { get; }

        /// <summary>Limit for connecting and for each blocking send or receive (<see cref="TimeoutException"/>); null blocks.</summary>
        public TimeSpan? Timeout { get; }

        /// <summary>The local address bound before connecting, or null.</summary>
        public IPEndPoint? SourceAddress { get; }

        /// <summary>Bytes (or characters) read per piece from a stream or reader body.</summary>
        public int BlockSize { get; }

        /// <summary>
        /// Opens the transport instead of a TCP socket: called with the host and port to reach (the proxy when a
        /// tunnel is set) each time a transport is opened. Null (the default) opens a TCP socket with Nagle off,
        /// honouring <see cref="Timeout"/> and <see cref="SourceAddress"/>. <see cref="Timeout"/> also applies to the
        /// returned stream.
        /// </summary>
        public Func<DnsEndPoint, CancellationToken, ValueTask<Stream>>? ConnectCallback { get; set; }

        /// <summary>Debug level; above 0, CPython's debug lines go to <see cref="DebugOutput"/>.</summary>
        public int DebugLevel { get; set; }

        /// <summary>Where debug lines go (default: <see cref="Console.Out"/> at the time of writing).</summary>
        public TextWriter DebugOutput { get => field ?? Console.Out; set => field = value ?? throw new ArgumentNullException(nameof(value)); }

        /// <summary>The CONNECT target host set by <see cref="SetTunnel"/>, or null.</summary>
        public string? TunnelHost { get; private set; }

        /// <summary>The CONNECT target port set by <see cref="SetTunnel"/>, or null.</summary>
        public int? TunnelPort { get; private set; }

        /// <summary>
        /// The headers of the proxy's 200 reply to the CONNECT of the current tunnel (CPython 3.12's
        /// <c>get_proxy_response_headers()</c>), or null before a tunnel was opened. A refusal throws
        /// <see cref="TunnelConnectionException"/>, which carries the reply instead.
        /// </summary>
        public HttpMessage? TunnelResponseHeaders => _tunnelResponse?.Headers;

        /// <summary>The status of the proxy's reply to the CONNECT of the current tunnel (200), or null before a tunnel was opened.</summary>
        public int? TunnelResponseStatus => _tunnelResponse?.Status;

        /// <summary>The reason phrase of the proxy's reply to the CONNECT of the current tunnel, or null before a tunnel was opened.</summary>
        public string? TunnelResponseReason => _tunnelResponse?.Reason;

        /// <summary>
        /// Opt-in (default false, CPython's behaviour): a request with an idempotent method (GET, HEAD, OPTIONS, TRACE, PUT,
        /// DELETE) and no body or a bytes or text body, sent on a kept-alive transport that had already carried a response,
        /// is sent once more on a new transport when that transport turns out to have been closed by the server before any
        /// byte of the response arrived (<see cref="RemoteDisconnectedException"/>, or a reset before the first byte).
        /// Never for POST or PATCH, stream or chunk-sequence bodies, a fresh transport, or once a response byte arrived.
        /// </summary>
        public bool RetryStaleConnection { get; set; }

        /// <summary>
        /// Opt-in delivery of interim (1xx) responses, such as <c>103 Early Hints</c> (default null: CPython's behaviour,
        /// where <c>100 Continue</c> is skipped and any other 1xx is returned as the final response). When set, every 1xx
        /// response except <c>101 Switching Protocols</c> is passed to this callback in the order received, while
        /// <see cref="GetResponse"/> reads on to the final response; <c>100 Continue</c> is delivered too.
        /// <see cref="HttpConnectionLimits.MaxInterimResponses"/> bounds how many one response may be preceded by. The
        /// callback runs on the thread reading the response, before <see cref="GetResponse"/> returns; an exception it
        /// throws propagates from <see cref="GetResponse"/> and closes the connection, as any failure to read the head.
        /// </summary>
        public Action<InterimResponse>? InterimResponseReceived { get; set; }

        /// <summary>True while the connection holds an open transport.</summary>
        public bool IsConnected => _transport is { IsClosed: false };

        /// <summary>Sets <see cref="DebugLevel"/> (Python's <c>set_debuglevel</c>).</summary>
        /// <param name="level">Above 0 enables the debug lines.</param>
        public void SetDebugLevel(int level) => DebugLevel = level;

        /// <summary>
        /// Tunnels through the HTTP proxy this connection points at: on connect, <c>CONNECT host:port HTTP/1.1</c> is
        /// sent first and requests then go to <paramref name="host"/> through it.
        /// </summary>
        /// <param name="host">Target host (may carry <c>:port</c> when <paramref name="port"/> is null).</param>
        /// <param name="port">Target port; default: parsed from <paramref name="host"/>, else the default port.</param>
        /// <param name="headers">Extra headers for the CONNECT request (for example Proxy-Authorization).</param>
        /// <exception cref="InvalidOperationException">The connection is already open.</exception>
        public void SetTunnel(string host, int? port = null, IEnumerable<KeyValuePair<string, string>>? headers = null)
        {
            ArgumentNullException.ThrowIfNull(host);
            if (IsConnected)
            {
                throw new InvalidOperationException("Can't set up tunnel for established connection");
            }
            (string tunnelHost, int tunnelPort) = HttpSyntax.SplitHostPort(host, port, _defaultPort);
            HttpSyntax.ValidateUrlCharacters(tunnelHost);
            // The caller's headers are validated and encoded now, with the request headers' rules, so a bad one
            // fails here rather than at connect time.
            byte[] headerLines = Array.Empty<byte>();
            bool hasHost = false;
            if (headers is not null)
            {
                using var lines = new RequestHeadWriter();
                foreach (KeyValuePair<string, string> header in headers)
                {
                    ArgumentNullException.ThrowIfNull(header.Key, nameof(headers));
                    ArgumentNullException.ThrowIfNull(header.Value, nameof(headers));
                    lines.WriteHeader(header.Key, header.Value);
                    hasHost |= header.Key.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase);
                }
                headerLines = lines.WrittenSpan.ToArray();
            }
            TunnelHost = tunnelHost;
            TunnelPort = tunnelPort;
            _tunnelHeaderLines = headerLines;
            _tunnelHeadersHaveHost = hasHost;
            _hostHeaderValue = null;
            _tunnelResponse = null;
        }

        /// <summary>Opens the transport now (otherwise the first request does). Does nothing when already open.</summary>
        public void Connect() => ConnectCore(false, default).GetAwaiter().GetResult();

        /// <summary>Opens the transport now (otherwise the first request does). Does nothing when already open.</summary>
        /// <param name="cancellationToken">Cancels the connect.</param>
        public ValueTask ConnectAsync(CancellationToken cancellationToken = default) => ConnectCore(true, cancellationToken);

        /// <summary>
        /// Sends a whole request: request line, automatic Host and Accept-Encoding headers (unless given), framing
        /// (Content-Length for bytes and text, chunked for streams, readers and chunk sequences, nothing for a bodiless
        /// GET), the caller's headers and the body. Nothing is sent when any part is invalid.
        /// </summary>
        /// <param name="method">Request method, e.g. GET.</param>
        /// <param name="url">Request target, e.g. <c>/index.html</c> (empty means <c>/</c>).</param>
        /// <param name="body">Body, or null.</param>
        /// <param name="headers">Headers sent in order after the automatic ones.</param>
        /// <param name="encodeChunked">Chunk-frame the body when the caller's headers set Transfer-Encoding.</param>
        /// <exception cref="CannotSendRequestException">A request is already in progress.</exception>
        /// <exception cref="ArgumentException">The method, a header or the body text is invalid.</exception>
        /// <exception cref="InvalidUrlException">The URL holds control characters or spaces.</exception>
        public void Request(string method, string url, RequestBody? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null, bool encodeChunked = false) =>
            RequestCore(false, method, url, body, headers, encodeChunked, default).GetAwaiter().GetResult();

        /// <summary>Sends a whole request; see <see cref="Request"/>.</summary>
        /// <param name="method">Request method, e.g. GET.</param>
        /// <param name="url">Request target.</param>
        /// <param name="body">Body, or null.</param>
        /// <param name="headers">Headers sent in order after the automatic ones.</param>
        /// <param name="encodeChunked">Chunk-frame the body when the caller's headers set Transfer-Encoding.</param>
        /// <param name="cancellationToken">Cancels the send (the connection is then closed).</param>
        public ValueTask RequestAsync(string method, string url, RequestBody? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null, bool encodeChunked = false, CancellationToken cancellationToken = default) =>
            RequestCore(true, method, url, body, headers, encodeChunked, cancellationToken);

        /// <summary>
        /// Starts a request: buffers the request line and, unless skipped, the Host and Accept-Encoding: identity headers.
        /// </summary>
        /// <param name="method">Request method.</param>
        /// <param name="url">Request target (empty means <c>/</c>).</param>
        /// <param name="skipHost">Do not add a Host header.</param>
        /// <param name="skipAcceptEncoding">Do not add Accept-Encoding: identity.</param>
        /// <exception cref="CannotSendRequestException">A request is already in progress.</exception>
        public void PutRequest(string method, string url, bool skipHost = false, bool skipAcceptEncoding = false)
        {
            ArgumentNullException.ThrowIfNull(method);
            ArgumentNullException.ThrowIfNull(url);
            ForgetFinishedResponse();
            Move(ConnectionOp.PutRequest);
            try
            {
                _head.WriteRequestLine(method, url);
                if (!skipHost)
                {
                    _head.WriteHeader(HeaderNames.Host, HostHeaderValue(url));
                }
                if (!skipAcceptEncoding)
                {
                    _head.Append("Accept-Encoding: identity\r\n"u8);
                }
            }
            catch (Exception e)
            {
                RejectRequest(e);
                throw;
            }
            _method = method;
            _requestHasUpgrade = _requestHasExpect = _requestExpectsContinue = false;
            BeginRequestTelemetry(method, url);
        }

        /// <summary>
        /// Buffers a header line <c>name: value</c>; several values become continuation lines (CRLF + tab). Values are
        /// sent as ISO-8859-1.
        /// </summary>
        /// <param name="name">Header name.</param>
        /// <param name="values">Header values.</param>
        /// <exception cref="CannotSendHeaderException">No request was started.</exception>
        /// <exception cref="ArgumentException">The name or a value is invalid (CR/LF injection, bad characters).</exception>
        public void PutHeader(string name, params string[] values)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(values);
            Move(ConnectionOp.PutHeader);
            _head.WriteHeader(name, values);
            NoteRequestHeader(name, values);
        }

        /// <summary>Buffers a header line from raw bytes (bytes 0x80 and up allowed, as CPython's bytes headers).</summary>
        /// <param name="name">Header name bytes.</param>
        /// <param name="values">Header value bytes.</param>
        /// <exception cref="CannotSendHeaderException">No request was started.</exception>
        /// <exception cref="ArgumentException">The name or a value is invalid.</exception>
        public void PutHeader(byte[] name, params byte[][] values)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(values);
            Move(ConnectionOp.PutHeader);
            _head.WriteHeader(name, values);
            NoteRequestHeader(name, values);
        }

        /// <summary>Ends the headers and sends the request head, then <paramref name="body"/> if given.</summary>
        /// <param name="body">Body to send after the head, or null.</param>
        /// <param name="encodeChunked">Frame the body with chunked transfer coding.</param>
        /// <exception cref="CannotSendHeaderException">No request was started.</exception>
        public void EndHeaders(RequestBody? body = null, bool encodeChunked = false) =>
            EndHeadersCore(false, body, encodeChunked, default).GetAwaiter().GetResult();

        /// <summary>Ends the headers and sends the request head and body; see <see cref="EndHeaders"/>.</summary>
        /// <param name="body">Body to send after the head, or null.</param>
        /// <param name="encodeChunked">Frame the body with chunked transfer coding.</param>
        /// <param name="cancellationToken">Cancels the send (the connection is then closed).</param>
        public ValueTask EndHeadersAsync(RequestBody? body = null, bool encodeChunked = false, CancellationToken cancellationToken = default) =>
            EndHeadersCore(true, body, encodeChunked, cancellationToken);

        /// <summary>Sends raw bytes on the transport (opening it if needed). No state check, as CPython.</summary>
        /// <param name="data">Bytes to send.</param>
        public void Send(ReadOnlySpan<byte> data)
        {
            EnsureOpenCore(false, default).GetAwaiter().GetResult();
            try
            {
                Debug.Send(data);
                _transport!.Write(data);
            }
            catch (Exception e) when (IsAbort(e))
            {
                Close();
                throw;
            }
        }

        /// <inheritdoc cref="Send(ReadOnlySpan{byte})"/>
        public void Send(byte[] data) => Send((data ?? throw new ArgumentNullException(nameof(data))).AsSpan());

        /// <summary>Sends <paramref name="data"/> to its end in <see cref="BlockSize"/> pieces (one write each).</summary>
        /// <param name="data">Stream read from its current position.</param>
        public void Send(Stream data) =>
            SendRawCore(false, default, data ?? throw new ArgumentNullException(nameof(data)), default).GetAwaiter().GetResult();

        /// <summary>Sends raw bytes on the transport (opening it if needed).</summary>
        /// <param name="data">Bytes to send.</param>
        /// <param name="cancellationToken">Cancels the send (the connection is then closed).</param>
        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            SendRawCore(true, data, null, cancellationToken);

        /// <summary>Sends <paramref name="data"/> to its end in <see cref="BlockSize"/> pieces.</summary>
        /// <param name="data">Stream read from its current position.</param>
        /// <param name="cancellationToken">Cancels the send (the connection is then closed).</param>
        public ValueTask SendAsync(Stream data, CancellationToken cancellationToken = default) =>
            SendRawCore(true, default, data ?? throw new ArgumentNullException(nameof(data)), cancellationToken);

        /// <summary>
        /// Reads the response status line and headers. A response that closes the connection takes the transport
        /// with it (the next request opens a new one); otherwise the connection is reused once the body is read.
        /// </summary>
        /// <exception cref="ResponseNotReadyException">No request was sent, or the previous response is unread.</exception>
        /// <exception cref="RemoteDisconnectedException">The server closed without answering.</exception>
        /// <exception cref="BadStatusLineException">The status line is malformed.</exception>
        public HttpResponse GetResponse() => GetResponseCore(false, default).GetAwaiter().GetResult();

        /// <inheritdoc cref="GetResponse"/>
        /// <param name="cancellationToken">Cancels the read (the connection is then closed).</param>
        public ValueTask<HttpResponse> GetResponseAsync(CancellationToken cancellationToken = default) => GetResponseCore(true, cancellationToken);

        /// <summary>Closes the transport and any pending response, discards a half-built request; state becomes Idle.</summary>
        public void Close()
        {
            EndRequestTelemetry(0, null);
            Move(ConnectionOp.Close);
            _head.Release();
            Transport? transport = _transport;
            _transport = null;
            HttpResponse? pending = _pendingResponse;
            _pendingResponse = null;
            try
            {
                transport?.Close();
            }
            finally
            {
                pending?.Close();
            }
        }

        /// <summary>Closes the connection (see <see cref="Close"/>).</summary>
        public void Dispose()
        {
            Close();
            GC.SuppressFinalize(this);
        }

        /// <summary>Closes the connection (see <see cref="Close"/>).</summary>
        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }

        /// <summary>
        /// Bounds on what the server may send: line length, header count and bytes, interim responses, trailers, chunk
        /// extensions (CPython's values by default), and whether <see cref="Timeout"/> bounds the whole response head.
        /// Obeyed by responses and the CONNECT reply.
        /// </summary>
        public HttpConnectionLimits Limits { get; set => field = value ?? throw new ArgumentNullException(nameof(value)); } = new HttpConnectionLimits();

        /// <summary>The last response's headers: the next response reuses their strings and array when it repeats them.</summary>
        internal HttpMessage? PreviousHeaders { get; set; }

        /// <summary>Called by a response whose read timed out or was cancelled: the connection closes (docs/differences.md #4).</summary>
        internal void OnResponseAborted(Transport transport)
        {
            if (ReferenceEquals(_transport, transport))
            {
                Close();
            }
        }

        internal static bool IsAbort(Exception e) => e is TimeoutException || e is OperationCanceledException;

        private void ForgetFinishedResponse()
        {
            if (_pendingResponse is { IsClosed: true })
            {
                _pendingResponse = null;
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask ConnectCore(bool async, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (IsConnected)
            {
                return;
            }
            _transport = null;
            _transport = await OpenTransportCore(async, cancellationToken).ConfigureAwait(false);
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask RequestCore(bool async, string method, string url, RequestBody? body,
            IEnumerable<KeyValuePair<string, string>>? headers, bool encodeChunked, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool hasHost = false, hasAcceptEncoding = false, hasContentLength = false, hasTransferEncoding = false;
            if (headers is not null)
            {
                foreach (KeyValuePair<string, string> header in headers)
                {
                    string name = header.Key ?? throw new ArgumentException("A header name is null.", nameof(headers));
                    hasHost |= name.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase);
                    hasAcceptEncoding |= name.Equals(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase);
                    hasContentLength |= name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase);
                    hasTransferEncoding |= name.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase);
                }
            }
            PutRequest(method, url, hasHost, hasAcceptEncoding);
            try
            {
                encodeChunked &= hasTransferEncoding && !hasContentLength;
                if (!hasContentLength && !hasTransferEncoding)
                {
                    long? contentLength = body is null ? (MatchMethod(method, "POST", "PUT", "PATCH") is not null ? 0 : null) : body.KnownLength;
                    if (contentLength is long length)
                    {
                        _head.WriteHeader(HeaderNames.ContentLength, length);
                    }
                    else if (body is not null)
                    {
                        Debug.Line("Unable to determine size of ", body);
                        encodeChunked = true;
                        _head.WriteHeader(HeaderNames.TransferEncoding, "chunked");
                    }
                }
                if (headers is not null)
                {
                    foreach (KeyValuePair<string, string> header in headers)
                    {
                        string value = header.Value ?? throw new ArgumentException($"The value of header '{header.Key}' is null.", nameof(headers));
                        _head.WriteHeader(header.Key, value);
                        NoteRequestHeader(header.Key, [value]);
                    }
                }
            }
            catch (Exception e)
            {
                RejectRequest(e);
                throw;
            }
            await EndHeadersCore(async, body, encodeChunked, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The name among <paramref name="names"/> that <paramref name="method"/> is (in any case), or null.</summary>
        internal static string? MatchMethod(string? method, params ReadOnlySpan<string> names)
        {
            foreach (string name in names)
            {
                if (name.Equals(method, StringComparison.OrdinalIgnoreCase))
                {
                    return name;
                }
            }
            return null;
        }

        /// <summary>CPython's endheaders and _send_output; a request <see cref="RetryStaleConnection"/> may send again is kept.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask EndHeadersCore(bool async, RequestBody? body, bool encodeChunked, CancellationToken cancellationToken)
        {
            Move(ConnectionOp.EndHeaders);
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (body is { Kind: RequestBodyKind.Text })
                {
                    body = RequestBody.FromBytes(HttpSyntax.EncodeBodyLatin1((string)body.Source!));
                }
                AddExpectContinueIfOptedIn(body);
            }
            catch (Exception e)
            {
                RejectRequest(e);
                throw;
            }
            _head.AppendCrlf();
            await EnsureOpenCore(async, cancellationToken).ConfigureAwait(false);
            _replay = RetryStaleConnection && _transport!.Served && body is null or { Kind: RequestBodyKind.Bytes }
                && MatchMethod(_method, "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE") is not null // idempotent
                ? new Replay(_head.WrittenSpan.ToArray(), body, encodeChunked, _transport!, _transport!.Received)
                : null;
            await SendRequestCore(async, body, encodeChunked, cancellationToken).ConfigureAwait(false);
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<HttpResponse> GetResponseCore(bool async, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ForgetFinishedResponse();
            Move(ConnectionOp.GetResponse);
            Transport transport = _transport ?? throw new NotConnectedException("The connection has no open transport.");
            HttpResponse? response = null;
            try
            {
                while (true)
                {
                    response = new HttpResponse(this, transport);
                    try
                    {
                        await response.BeginCore(async, _method, Limits, DebugWriter, cancellationToken).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception e) when (IsStale(e, transport))
                    {
                        response.Close();
                        transport = await ResendCore(async, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e)
            {
                // CPython closes on ConnectionError; docs/differences.md #4 and 5 close on every other failure too.
                EndRequestTelemetry(0, e);
                response?.Close();
                Close();
                throw;
            }
            transport.Served = true;
            Move(ConnectionOp.ResponseHeadRead);
            EndRequestTelemetry(response.Status, null);
            bool upgraded = response.Status == 101 && _requestHasUpgrade;
            bool bodyFramingEnded = _withheldBody == WithheldBody.None
                || await EndWithheldBodyCore(async, transport, response.WillClose || upgraded).ConfigureAwait(false);
            if (upgraded)
            {
                // The protocol switched: the transport now carries the caller's protocol (HttpResponse.DetachUpgradedStream).
                response.AcceptUpgrade();
                _transport = null;
            }
            else if (response.WillClose || !bodyFramingEnded)
            {
                // The response takes the transport; the next request opens a new one.
                response.TakeTransportOwnership();
                _transport = null;
            }
            else
            {
                _pendingResponse = response;
            }
            return response;
        }
    }
}
