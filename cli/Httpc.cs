using System;
using System.IO;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli;

/// <summary>
/// The <c>httpc</c> command line, callable in-process: <see cref="Program"/> wires it to the console,
/// tests to string writers and memory streams.
/// </summary>
public static class Httpc
{
    internal const string UsageText = """
        httpc: a command-line HTTP client built on Http.Client

        Usage:
          httpc demo
          httpc [options] URL        (URL: http:// or https://; without a scheme, http:// is assumed)

        Commands:
          demo                    run the examples of Python's http.client documentation against an
                                  embedded server on 127.0.0.1 (no network needed)

        Options:
          -X, --request METHOD    request method (default: GET, or POST with -d/--data-file)
          -H, --header "N: v"     add a request header (repeatable)
          -d, --data DATA         send DATA (UTF-8) as the body; Content-Type defaults to
                                  application/x-www-form-urlencoded
              --data-file PATH    send the file's bytes as the body (Content-Length from its size;
                                  Content-Type defaults to application/octet-stream)
          -o, --output FILE       write the body to FILE (progress on standard error if it is a terminal)
          -i, --include           print the status line and response headers before the body
          -v, --verbose           the library's debug output (SetDebugLevel(1)), on standard error
              --proxy HOST:PORT   go through an HTTP proxy (CONNECT tunnel for https)
              --cacert FILE       also trust the CA certificate(s) in this PEM file for https
              --timeout SECONDS   timeout for each connect, send and receive
          -h, --help              show this help
              --version           show the version

        Exit codes:
          0 success (status < 400)   1 HTTP 4xx/5xx     2 usage error        3 connection failed
          4 TLS failed               5 timeout          6 protocol error     7 local file error
          70 internal error          130 interrupted
        """;

    /// <summary>The tool's version (the assembly's informational version without build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>
    /// Runs <c>httpc</c> with <paramref name="args"/>. Text goes to <paramref name="stdout"/>; the response
    /// body goes to <paramref name="stdoutStream"/> (or, when null, through <paramref name="stdout"/> decoded
    /// as UTF-8). Errors are one line on <paramref name="stderr"/>, never a stack trace.
    /// </summary>
    /// <returns>One of <see cref="ExitCodes"/>.</returns>
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        bool stderrIsTerminal,
        CancellationToken cancellationToken = default,
        Stream? stdoutStream = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            if (args.Length > 0 && args[0] == "demo")
            {
                if (args.Length > 1)
                {
                    throw CliFailure.Usage($"'demo' takes no arguments (got '{args[1]}')");
                }

                return await Demo.DemoSession.RunAsync(stdout, cancellationToken).ConfigureAwait(false);
            }

            CliOptions options = CliOptions.Parse(args);
            if (options.ShowHelp)
            {
                stdout.WriteLine(UsageText);
                return ExitCodes.Success;
            }

            if (options.ShowVersion)
            {
                stdout.WriteLine("httpc " + Version);
                return ExitCodes.Success;
            }

            var command = new RequestCommand(options, stdout, stdoutStream ?? new TextWriterStream(stdout), stderr, stderrIsTerminal);
            return await command.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("httpc: interrupted");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            CliFailure failure = RequestCommand.Translate(e, "error", "error");
            string hint = failure.ExitCode == ExitCodes.Usage ? " (see httpc --help)" : "";
            stderr.WriteLine($"httpc: {RequestCommand.OneLine(failure.Message)}{hint}");
            return failure.ExitCode;
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }
    }

    private static string ReadVersion()
    {
        string? version = typeof(Httpc).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(version))
        {
            return "0.0.0";
        }

        int metadata = version.IndexOf('+');
        return metadata < 0 ? version : version[..metadata];
    }
}
