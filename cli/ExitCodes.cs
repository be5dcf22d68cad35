namespace Http.Client.Cli;

/// <summary>
/// The process exit codes of <c>httpc</c>. Each failure class has its own code so scripts can tell
/// "the server said no" from "there was no server" from "you typed it wrong".
/// </summary>
public static class ExitCodes
{
    /// <summary>The request completed and the server answered with a status below 400.</summary>
    public const int Success = 0;

    /// <summary>The server answered with a 4xx or 5xx status (the body is still written, unless <c>--fail</c>).</summary>
    public const int HttpError = 1;

    /// <summary>Bad command line: unknown option, missing value, malformed URL or header (argparse's code).</summary>
    public const int Usage = 2;

    /// <summary>No connection: name resolution failed, refused, unreachable, reset, or a proxy refused the tunnel.</summary>
    public const int ConnectionFailed = 3;

    /// <summary>The TLS handshake failed: untrusted certificate, host name mismatch, protocol mismatch.</summary>
    public const int TlsFailed = 4;

    /// <summary>A connect, send or receive took longer than <c>--timeout</c>.</summary>
    public const int Timeout = 5;

    /// <summary>
    /// The server's reply broke HTTP/1.1 (bad status line, truncated body, overlong header), or could not be used
    /// (a redirect to an unusable Location, a body <c>--compressed</c> cannot decode).
    /// </summary>
    public const int ProtocolError = 6;

    /// <summary>A local file could not be read or written (<c>--data-file</c>, <c>-o</c>, <c>--cacert</c>).</summary>
    public const int LocalFileError = 7;

    /// <summary>
    /// <c>-L</c> met more redirects than <c>--max-redirs</c> allows (curl's code for the same failure, so scripts
    /// written for curl keep working).
    /// </summary>
    public const int TooManyRedirects = 47;

    /// <summary>Interrupted (Ctrl+C): 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;

    /// <summary>A bug in httpc itself (BSD sysexits' EX_SOFTWARE); the message names the exception type.</summary>
    public const int InternalError = 70;
}
