using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli;

/// <summary>One request made from the command line: connect, send, print the response, choose the exit code.</summary>
internal sealed class RequestCommand
{
    /// <summary>Body copy buffer: large enough to keep syscalls few, small enough to stay out of the LOH.</summary>
    private const int CopyBufferSize = 64 * 1024;

    /// <summary>
    /// How much of a redirect's own body is read (and thrown away) to keep the connection for the next hop; a
    /// longer one is dropped with its connection instead of being downloaded.
    /// </summary>
    private const int MaxRedirectBodyDrain = 1024 * 1024;

    /// <summary>How much of standard input is read before the request, to send it with a Content-Length.</summary>
    private const int StandardInputBufferLimit = 1024 * 1024;

    /// <summary>Headers that carry credentials or name the original host: never sent to another origin (as curl).</summary>
    private static readonly string[] OriginBoundHeaders = ["Authorization", "Cookie", "Host"];

    /// <summary>Headers that describe the body: dropped with it when a redirect turns the request into a GET.</summary>
    private static readonly string[] BodyHeaders = ["Content-Type", "Content-Length", "Transfer-Encoding"];

    private readonly CliOptions _options;
    private readonly TextWriter _stdout;
    private readonly Stream _stdoutBytes;
    private readonly Func<Stream> _openStandardInput;
    private readonly TextWriter _stderr;
    private readonly bool _stderrIsTerminal;

    public RequestCommand(CliOptions options, TextWriter stdout, Stream stdoutBytes, Func<Stream> openStandardInput, TextWriter stderr, bool stderrIsTerminal)
    {
        _options = options;
        _stdout = stdout;
        _stdoutBytes = stdoutBytes;
        _openStandardInput = openStandardInput;
        _stderr = stderr;
        _stderrIsTerminal = stderrIsTerminal;
    }

    /// <summary>The User-Agent sent unless the user gives one: some servers refuse requests without it.</summary>
    internal static string UserAgent => "httpc/" + Httpc.Version;

    /// <summary>The <c>-w</c> format, if any.</summary>
    public WriteOutFormat? WriteOut => _options.WriteOut;

    /// <summary>What the run did so far, for <c>-w</c>; complete once <see cref="RunAsync"/> ends.</summary>
    public TransferReport Report { get; } = new();

    /// <summary>Runs the request (and, with <c>-L</c>, its redirects); failures come out as <see cref="CliFailure"/>.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        TargetUrl target = TargetUrl.Parse(_options.Url);
        (string Host, int Port)? proxy = _options.Proxy is null ? null : TargetUrl.ParseProxy(_options.Proxy);
        SslClientAuthenticationOptions? sslOptions = null;
        string method = _options.EffectiveMethod;
        var userHeaders = new List<KeyValuePair<string, string>>(_options.Headers);
        using BodySource? body = await OpenBodyAsync(cancellationToken).ConfigureAwait(false);
        bool sendBody = body is not null;

        OriginConnection? connection = null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (true)
            {
                Report.EffectiveUrl = target.AbsoluteUri;
                Report.Method = method;
                if (connection is null || !connection.Equals(target.Origin, proxy))
                {
                    connection?.Dispose();
                    if (target.IsHttps && _options.CaCertFile is not null)
                    {
                        sslOptions ??= CertificateTrust.CreateOptions(_options.CaCertFile);
                    }

                    connection = Open(target, proxy, sslOptions);
                }

                using HttpResponse response = await SendAsync(connection.Connection, target, proxy, method, sendBody ? body : null, userHeaders, cancellationToken)
                    .ConfigureAwait(false);
                Report.Status = response.Status;
                Report.Version = response.Version;
                Report.ContentType = response.GetHeader("Content-Type");
                Report.BodyBytes = 0;

                string? location = _options.FollowRedirects && IsRedirect(response.Status) ? response.GetHeader("Location") : null;
                if (location is null)
                {
                    return await FinishAsync(response, target, proxy, method, buffer, cancellationToken).ConfigureAwait(false);
                }

                if (_options.Include || _options.Head)
                {
                    WriteHead(response);
                }

                if (_options.MaxRedirects >= 0 && Report.Redirects >= _options.MaxRedirects)
                {
                    throw new CliFailure(ExitCodes.TooManyRedirects, $"maximum ({_options.MaxRedirects}) redirects followed (the last one: {response.Status} {response.Reason} to '{location}')");
                }

                TargetUrl next = TargetUrl.Resolve(target, location);
                bool sameOrigin = next.Origin == target.Origin;
                if (sameOrigin)
                {
                    await DrainAsync(response, buffer, cancellationToken).ConfigureAwait(false);
                }

                string previousMethod = method;
                (method, bool keepBody) = RedirectedMethod(response.Status, method);
                if (sendBody && !keepBody)
                {
                    sendBody = false;
                    userHeaders.RemoveAll(header => IsOneOf(header.Key, BodyHeaders));
                }

                var dropped = new List<string>();
                if (!sameOrigin)
                {
                    dropped.AddRange(userHeaders.Where(header => IsOneOf(header.Key, OriginBoundHeaders)).Select(header => header.Key));
                    userHeaders.RemoveAll(header => IsOneOf(header.Key, OriginBoundHeaders));
                }

                Report.Redirects++;
                if (_options.Verbose)
                {
                    string limit = _options.MaxRedirects < 0 ? "" : $" of at most {_options.MaxRedirects}";
                    string change = method == previousMethod ? "" : $" (was {previousMethod}{(body is not null && !sendBody ? ", body dropped" : "")})";
                    string removed = dropped.Count == 0 ? "" : $"; not sent to the new host: {string.Join(", ", dropped.Distinct(StringComparer.OrdinalIgnoreCase))}";
                    _stderr.WriteLine($"redirect {Report.Redirects}{limit}: {response.Status} {response.Reason} -> {method} {next.AbsoluteUri}{change}{removed}");
                }

                target = next;
            }
        }
        catch (Exception e) when (e is not CliFailure && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            // The request validates its method, URL and headers before it opens the connection, so a usage
            // error never touches the network; connect failures surface from here too.
            string via = Via(proxy);
            throw Translate(e, $"cannot connect to {target.HostAndPort}{via}", $"request to {target.HostAndPort}{via} failed");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            connection?.Dispose();
        }
    }

    /// <summary>The status codes <c>-L</c> follows.</summary>
    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    /// <summary>
    /// curl's rules for the next request's method: 303 turns anything but HEAD into a body-less GET; 301 and 302
    /// turn POST into a body-less GET; everything else (and 307, 308 always) keeps the method and the body.
    /// </summary>
    internal static (string Method, bool KeepBody) RedirectedMethod(int status, string method) => status switch
    {
        303 when method != "HEAD" => ("GET", false),
        301 or 302 when method == "POST" => ("GET", false),
        _ => (method, true),
    };

    private static string Via((string Host, int Port)? proxy) =>
        proxy is { } p ? $" through proxy {TargetUrl.FormatAuthority(p.Host, p.Port)}" : "";

    /// <summary>One open connection and the origin (and proxy) it talks to.</summary>
    private sealed class OriginConnection : IDisposable
    {
        public OriginConnection(HttpConnection connection, string origin, (string Host, int Port)? proxy)
        {
            Connection = connection;
            Origin = origin;
            Proxy = proxy;
        }

        public HttpConnection Connection { get; }

        public string Origin { get; }

        public (string Host, int Port)? Proxy { get; }

        public bool Equals(string origin, (string Host, int Port)? proxy) => Origin == origin && Proxy == proxy;

        public void Dispose() => Connection.Dispose();
    }

    private OriginConnection Open(TargetUrl target, (string Host, int Port)? proxy, SslClientAuthenticationOptions? sslOptions)
    {
        string connectHost = proxy?.Host ?? target.Host;
        int connectPort = proxy?.Port ?? target.Port;
        HttpConnection connection;
        try
        {
            connection = target.IsHttps
                ? new HttpsConnection(connectHost, connectPort, _options.Timeout, sslOptions: sslOptions)
                : new HttpConnection(connectHost, connectPort, _options.Timeout);
        }
        catch (Exception e)
        {
            string context = $"cannot use {target.HostAndPort}{Via(proxy)}";
            throw Translate(e, context, context);
        }

        if (proxy is not null && target.IsHttps)
        {
            connection.SetTunnel(target.Host, target.Port);
        }

        if (_options.Verbose)
        {
            connection.SetDebugLevel(1);
            // To standard error, as curl -v does: the body on standard output stays clean.
            connection.DebugOutput = _stderr;
        }

        return new OriginConnection(connection, target.Origin, proxy);
    }

    private async Task<HttpResponse> SendAsync(
        HttpConnection connection,
        TargetUrl target,
        (string Host, int Port)? proxy,
        string method,
        BodySource? body,
        List<KeyValuePair<string, string>> userHeaders,
        CancellationToken cancellationToken)
    {
        string requestTarget = proxy is not null && !target.IsHttps ? target.AbsoluteUri : target.PathAndQuery;
        RequestBody? requestBody = body?.Next();
        List<KeyValuePair<string, string>> headers = BuildHeaders(userHeaders, body);
        await connection.RequestAsync(method, requestTarget, requestBody, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await connection.GetResponseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last response: its head (<c>-i</c>, <c>-I</c>), its body, and the exit code for its status.</summary>
    private async Task<int> FinishAsync(
        HttpResponse response, TargetUrl target, (string Host, int Port)? proxy, string method, byte[] buffer, CancellationToken cancellationToken)
    {
        bool failed = response.Status >= 400;
        if (!(failed && _options.Fail))
        {
            // --fail: neither headers nor body of an error response reach the output (and no -o file is created).
            if (_options.Include || _options.Head)
            {
                WriteHead(response);
            }

            if (!_options.Head)
            {
                await WriteBodyAsync(response, method, $"request to {target.HostAndPort}{Via(proxy)} failed", buffer, cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        if (failed)
        {
            throw new CliFailure(ExitCodes.HttpError, $"server answered {response.Status} {response.Reason}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Reads a redirect's body to its end so the connection can carry the next request; gives up past a limit.</summary>
    private static async Task DrainAsync(HttpResponse response, byte[] buffer, CancellationToken cancellationToken)
    {
        long drained = 0;
        while (drained < MaxRedirectBodyDrain)
        {
            int read = await response.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            drained += read;
        }

        // Left unread: disposing the response closes its transport, and the next request opens a new one.
    }

    private List<KeyValuePair<string, string>> BuildHeaders(List<KeyValuePair<string, string>> userHeaders, BodySource? body)
    {
        var headers = new List<KeyValuePair<string, string>>(userHeaders.Count + 4);
        if (!HasHeader(userHeaders, "User-Agent"))
        {
            headers.Add(new("User-Agent", UserAgent));
        }

        if (_options.Compressed && !HasHeader(userHeaders, "Accept-Encoding"))
        {
            headers.Add(new("Accept-Encoding", ContentDecoding.AcceptEncoding));
        }

        if (body is not null)
        {
            if (!HasHeader(userHeaders, "Content-Type"))
            {
                headers.Add(new("Content-Type", body.ContentType));
            }

            // A regular file has a known length: send Content-Length instead of letting the library chunk it.
            if (body.StreamLength is long length && !HasHeader(userHeaders, "Content-Length") && !HasHeader(userHeaders, "Transfer-Encoding"))
            {
                headers.Add(new("Content-Length", length.ToString(CultureInfo.InvariantCulture)));
            }
        }

        headers.AddRange(userHeaders);
        return headers;
    }

    private async Task<BodySource?> OpenBodyAsync(CancellationToken cancellationToken)
    {
        if (_options.Data is { } data)
        {
            // -d is form data (as curl).
            return BodySource.FromBytes(Encoding.UTF8.GetBytes(data), "application/x-www-form-urlencoded");
        }

        if (_options.DataFile is not { } path)
        {
            return null;
        }

        if (path == CliOptions.StandardStream)
        {
            return await ReadStandardInputAsync(cancellationToken).ConfigureAwait(false);
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliFailure(ExitCodes.LocalFileError, $"cannot read --data-file '{path}': {OneLine(e.Message)}", e);
        }

        return BodySource.FromStream(file, $"--data-file '{path}'", owned: true);
    }

    /// <summary>
    /// <c>--data-file -</c>: standard input up to <see cref="StandardInputBufferLimit"/> is read first and sent with
    /// Content-Length, which every server accepts (many small ones refuse a chunked request) and which a 307 can
    /// send again; a longer input streams on, chunked, after the part already read.
    /// </summary>
    private async Task<BodySource> ReadStandardInputAsync(CancellationToken cancellationToken)
    {
        Stream input = _openStandardInput();
        var start = new MemoryStream();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (start.Length < StandardInputBufferLimit)
            {
                int read = await input.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return BodySource.FromBytes(start.GetBuffer().AsMemory(0, (int)start.Length), "application/octet-stream");
                }

                start.Write(buffer, 0, read);
            }
        }
        catch (IOException e)
        {
            throw new CliFailure(ExitCodes.LocalFileError, $"cannot read standard input: {OneLine(e.Message)}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return BodySource.FromStream(new PrefixedReadStream(start.GetBuffer().AsMemory(0, (int)start.Length), input), "standard input", owned: false);
    }

    /// <summary>
    /// The request body, sent again when a redirect keeps it (307, 308): bytes as they are, a seekable stream from
    /// where it started; a pipe cannot be read twice.
    /// </summary>
    private sealed class BodySource : IDisposable
    {
        private readonly ReadOnlyMemory<byte>? _bytes;
        private readonly Stream? _stream;
        private readonly long _start;
        private readonly string _description;
        private readonly bool _owned;
        private bool _sent;

        private BodySource(ReadOnlyMemory<byte>? bytes, Stream? stream, string contentType, string description, bool owned)
        {
            _bytes = bytes;
            _stream = stream;
            ContentType = contentType;
            _description = description;
            _owned = owned;
            _start = stream is { CanSeek: true } ? stream.Position : 0;
        }

        /// <summary>The Content-Type sent unless the user gives one.</summary>
        public string ContentType { get; }

        /// <summary>The bytes a seekable stream will send; null for bytes (the library counts them) and for a pipe (sent chunked).</summary>
        public long? StreamLength => _stream is { CanSeek: true } ? _stream.Length - _start : null;

        public static BodySource FromBytes(ReadOnlyMemory<byte> bytes, string contentType) => new(bytes, null, contentType, "the body", owned: false);

        /// <summary>A file is opaque bytes: application/octet-stream.</summary>
        public static BodySource FromStream(Stream stream, string description, bool owned) =>
            new(null, stream, "application/octet-stream", description, owned);

        /// <summary>The body for the next request; rewinds a stream that was sent before.</summary>
        public RequestBody Next()
        {
            if (_stream is null)
            {
                return _bytes!.Value;
            }

            if (_sent)
            {
                if (!_stream.CanSeek)
                {
                    throw new CliFailure(
                        ExitCodes.LocalFileError,
                        $"the redirect asks for the body again, but {_description} is a pipe and cannot be read twice (send a regular file; standard input is kept for this only up to {StandardInputBufferLimit / (1024 * 1024)} MiB)");
                }

                _stream.Position = _start;
            }

            _sent = true;
            return _stream;
        }

        public void Dispose()
        {
            if (_owned)
            {
                _stream?.Dispose();
            }
        }
    }

    private static bool IsOneOf(string name, string[] names) =>
        Array.Exists(names, candidate => string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase));

    private void WriteHead(HttpResponse response)
    {
        string version = response.Version == 10 ? "HTTP/1.0" : "HTTP/1.1";
        _stdout.Write($"{version} {response.Status.ToString(CultureInfo.InvariantCulture)} {response.Reason}\r\n");
        foreach (KeyValuePair<string, string> header in response.GetHeaders())
        {
            _stdout.Write($"{header.Key}: {header.Value}\r\n");
        }

        _stdout.Write("\r\n");
        _stdout.Flush();
    }

    private async Task WriteBodyAsync(HttpResponse response, string method, string context, byte[] buffer, CancellationToken cancellationToken)
    {
        Stream destination;
        bool ownsDestination = false;
        string? path = _options.OutputFile;
        if (!_options.OutputIsStandardOutput)
        {
            try
            {
                destination = new FileStream(path!, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, useAsync: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliFailure(ExitCodes.LocalFileError, $"cannot write -o '{path}': {OneLine(e.Message)}", e);
            }

            ownsDestination = true;
        }
        else
        {
            _stdout.Flush();
            destination = _stdoutBytes;
        }

        bool hasBody = method != "HEAD" && response.Status is >= 200 and not 204 and not 304;
        var received = new CountingReadStream(response);
        string? encoding = response.GetHeader("Content-Encoding");
        // Without --compressed the body is written as it came, as curl does.
        Stream source = _options.Compressed && hasBody ? ContentDecoding.Decode(received, encoding) : received;
        ProgressBar? progress = ownsDestination && _stderrIsTerminal ? new ProgressBar(_stderr, ContentLength(response)) : null;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException e) when (source != received)
                {
                    throw new CliFailure(ExitCodes.ProtocolError, $"{context}: the body is not valid '{encoding}' data ({OneLine(e.Message)})", e);
                }
                finally
                {
                    Report.BodyBytes = received.BytesRead;
                }

                if (read == 0)
                {
                    break;
                }

                try
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliFailure(ExitCodes.LocalFileError, $"cannot write {(ownsDestination ? $"-o '{path}'" : "standard output")}: {OneLine(e.Message)}", e);
                }

                progress?.Report(received.BytesRead);
            }

            progress?.Complete(received.BytesRead);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            // Stream reads end quietly at a premature close of a Content-Length body (CPython's readinto does
            // too); a download tool must not report such a file as complete.
            if (hasBody && response.GetHeader("Transfer-Encoding") is null && ContentLength(response) is long expected && received.BytesRead < expected)
            {
                throw new CliFailure(ExitCodes.ProtocolError, $"{context}: the response body was cut short ({received.BytesRead} bytes received, {expected - received.BytesRead} more expected)");
            }
        }
        finally
        {
            if (source != received)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }

            if (ownsDestination)
            {
                await destination.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static long? ContentLength(HttpResponse response) =>
        long.TryParse(response.GetHeader("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out long length)
            ? length
            : null;

    private static bool HasHeader(List<KeyValuePair<string, string>> headers, string name) =>
        headers.Exists(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Maps a library, socket or TLS exception to an exit code and a one-line message.</summary>
    /// <param name="e">The exception.</param>
    /// <param name="connectContext">Message prefix when the connection could not be opened.</param>
    /// <param name="context">Message prefix for anything else.</param>
    internal static CliFailure Translate(Exception e, string connectContext, string context)
    {
        if (e is CliFailure failure)
        {
            return failure;
        }

        if (FindInChain<AuthenticationException>(e) is { } tls)
        {
            return new CliFailure(ExitCodes.TlsFailed, $"{connectContext}: TLS handshake failed: {OneLine(tls.Message)}", e);
        }

        if (FindInChain<SocketException>(e) is { SocketErrorCode: SocketError.TimedOut })
        {
            // The system's own connect timeout (no --timeout given, host unreachable).
            return new CliFailure(ExitCodes.Timeout, $"{connectContext}: timed out", e);
        }

        if (e is TimeoutException or OperationCanceledException)
        {
            return new CliFailure(ExitCodes.Timeout, $"{context}: timed out", e);
        }

        return e switch
        {
            InvalidUrlException => new CliFailure(ExitCodes.Usage, $"invalid URL: {OneLine(e.Message)}", e),
            ArgumentException => new CliFailure(ExitCodes.Usage, OneLine(e.Message), e),
            RemoteDisconnectedException => new CliFailure(ExitCodes.ConnectionFailed, $"{context}: the server closed the connection without a response", e),
            // An HttpException, but no protocol error of the server: the proxy said no (curl also calls this a connect failure).
            TunnelConnectionException tunnel => new CliFailure(ExitCodes.ConnectionFailed, $"{connectContext}: the proxy refused the tunnel: {tunnel.Status} {tunnel.Reason}", e),
            IncompleteReadException incomplete => new CliFailure(
                ExitCodes.ProtocolError,
                incomplete.Expected is long more
                    ? $"{context}: the response body was cut short ({incomplete.Partial.Length} bytes received, {more} more expected)"
                    : $"{context}: the response body was cut short ({incomplete.Partial.Length} bytes received)",
                e),
            HttpException => new CliFailure(ExitCodes.ProtocolError, $"{context}: malformed response ({ProblemName(e)}: {OneLine(e.Message)})", e),
            // The library reports connect failures as IOException around the SocketException.
            IOException or SocketException => new CliFailure(
                ExitCodes.ConnectionFailed,
                $"{(FindInChain<SocketException>(e) is { } socket && IsConnectFailure(socket.SocketErrorCode) ? connectContext : context)}: {OneLine(e.Message)}",
                e),
            _ => new CliFailure(ExitCodes.InternalError, $"{context}: internal error: {e.GetType().FullName}: {OneLine(e.Message)}", e),
        };
    }

    /// <summary>"BadStatusLine" for BadStatusLineException: the protocol problem, not the .NET type.</summary>
    private static string ProblemName(Exception e)
    {
        string name = e.GetType().Name;
        return name.EndsWith("Exception", StringComparison.Ordinal) ? name[..^"Exception".Length] : name;
    }

    private static bool IsConnectFailure(SocketError error) => error is SocketError.ConnectionRefused
        or SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData or SocketError.HostUnreachable
        or SocketError.NetworkUnreachable or SocketError.NetworkDown or SocketError.AddressNotAvailable;

    private static T? FindInChain<T>(Exception e)
        where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Messages must stay on one line: the contract of every httpc error.</summary>
    internal static string OneLine(string message) =>
        message.ReplaceLineEndings(" ").Trim();
}
