using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
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

    private readonly CliOptions _options;
    private readonly TextWriter _stdout;
    private readonly Stream _stdoutBytes;
    private readonly TextWriter _stderr;
    private readonly bool _stderrIsTerminal;

    public RequestCommand(CliOptions options, TextWriter stdout, Stream stdoutBytes, TextWriter stderr, bool stderrIsTerminal)
    {
        _options = options;
        _stdout = stdout;
        _stdoutBytes = stdoutBytes;
        _stderr = stderr;
        _stderrIsTerminal = stderrIsTerminal;
    }

    /// <summary>The User-Agent sent unless the user gives one: some servers refuse requests without it.</summary>
    internal static string UserAgent => "httpc/" + Httpc.Version;

    /// <summary>Runs the request; failures come out as <see cref="CliFailure"/> with a one-line message.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        TargetUrl target = TargetUrl.Parse(_options.Url);
        (string Host, int Port)? proxy = _options.Proxy is null ? null : TargetUrl.ParseProxy(_options.Proxy);
        SslClientAuthenticationOptions? sslOptions = target.IsHttps && _options.CaCertFile is not null
            ? CertificateTrust.CreateOptions(_options.CaCertFile)
            : null;
        var headers = BuildHeaders();

        string connectHost = proxy?.Host ?? target.Host;
        int connectPort = proxy?.Port ?? target.Port;
        string peer = TargetUrl.FormatAuthority(connectHost, connectPort);
        string requestTarget = proxy is not null && !target.IsHttps ? target.AbsoluteUri : target.PathAndQuery;

        string via = proxy is null ? "" : $" through proxy {peer}";
        HttpConnection connection;
        try
        {
            connection = target.IsHttps
                ? new HttpsConnection(connectHost, connectPort, _options.Timeout, sslOptions: sslOptions)
                : new HttpConnection(connectHost, connectPort, _options.Timeout);
        }
        catch (Exception e)
        {
            throw Translate(e, $"cannot use {target.HostAndPort}{via}", $"cannot use {target.HostAndPort}{via}");
        }

        using var connectionScope = connection;
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

        using Stream? requestBody = OpenDataFile(headers);
        try
        {
            RequestBody? body = null;
            if (requestBody is not null)
            {
                body = requestBody;
            }
            else if (_options.Data is not null)
            {
                body = Encoding.UTF8.GetBytes(_options.Data);
            }

            await connection.RequestAsync(_options.EffectiveMethod, requestTarget, body, headers, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            using HttpResponse response = await connection.GetResponseAsync(cancellationToken).ConfigureAwait(false);
            if (_options.Include)
            {
                WriteHead(response);
            }

            await WriteBodyAsync(response, $"request to {target.HostAndPort}{via} failed", cancellationToken).ConfigureAwait(false);
            if (response.Status >= 400)
            {
                throw new CliFailure(ExitCodes.HttpError, $"server answered {response.Status} {response.Reason}");
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is not CliFailure && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            // The request validates its method, URL and headers before it opens the connection, so a usage
            // error never touches the network; connect failures surface from here too.
            throw Translate(e, $"cannot connect to {target.HostAndPort}{via}", $"request to {target.HostAndPort}{via} failed");
        }
    }

    private List<KeyValuePair<string, string>> BuildHeaders()
    {
        var headers = new List<KeyValuePair<string, string>>(_options.Headers.Count + 2);
        if (!HasHeader(_options.Headers, "User-Agent"))
        {
            headers.Add(new("User-Agent", UserAgent));
        }

        if ((_options.Data is not null || _options.DataFile is not null) && !HasHeader(_options.Headers, "Content-Type"))
        {
            // -d is form data (as curl); a file is opaque bytes.
            headers.Add(new("Content-Type", _options.Data is not null ? "application/x-www-form-urlencoded" : "application/octet-stream"));
        }

        headers.AddRange(_options.Headers);
        return headers;
    }

    private Stream? OpenDataFile(List<KeyValuePair<string, string>> headers)
    {
        if (_options.DataFile is not { } path)
        {
            return null;
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

        // A regular file has a known length: send Content-Length instead of letting the library chunk it.
        if (file.CanSeek && !HasHeader(headers, "Content-Length") && !HasHeader(headers, "Transfer-Encoding"))
        {
            headers.Add(new("Content-Length", file.Length.ToString(CultureInfo.InvariantCulture)));
        }

        return file;
    }

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

    private async Task WriteBodyAsync(HttpResponse response, string context, CancellationToken cancellationToken)
    {
        Stream destination;
        bool ownsDestination = false;
        string? path = _options.OutputFile;
        if (path is not null)
        {
            try
            {
                destination = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, useAsync: true);
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

        ProgressBar? progress = ownsDestination && _stderrIsTerminal ? new ProgressBar(_stderr, ContentLength(response)) : null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long received = 0;
            while (true)
            {
                int read = await response.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                received += read;
                try
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliFailure(ExitCodes.LocalFileError, $"cannot write {(ownsDestination ? $"-o '{path}'" : "standard output")}: {OneLine(e.Message)}", e);
                }

                progress?.Report(received);
            }

            progress?.Complete(received);
            await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            // Stream reads end quietly at a premature close of a Content-Length body (CPython's readinto does
            // too); a download tool must not report such a file as complete.
            if (HasContentLengthBody(response) && ContentLength(response) is long expected && received < expected)
            {
                throw new CliFailure(ExitCodes.ProtocolError, $"{context}: the response body was cut short ({received} bytes received, {expected - received} more expected)");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (ownsDestination)
            {
                await destination.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether Content-Length describes the body that follows (not for HEAD, 1xx, 204 and 304 replies).</summary>
    private bool HasContentLengthBody(HttpResponse response) =>
        _options.EffectiveMethod != "HEAD" && response.Status is >= 200 and not 204 and not 304
        && response.GetHeader("Transfer-Encoding") is null;

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
