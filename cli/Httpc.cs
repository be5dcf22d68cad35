using System;
using System.CommandLine;
using System.Diagnostics;
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
    /// <summary>The tool's version (the assembly's informational version without build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>
    /// Runs <c>httpc</c> with <paramref name="args"/>. Text goes to <paramref name="stdout"/>; the response
    /// body goes to <paramref name="stdoutStream"/> (or, when null, through <paramref name="stdout"/> decoded
    /// as UTF-8). <c>--data-file -</c> reads <paramref name="stdinStream"/> (when null, the process's standard
    /// input). Errors are one line on <paramref name="stderr"/>, never a stack trace.
    /// </summary>
    /// <returns>One of <see cref="ExitCodes"/>.</returns>
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        bool stderrIsTerminal,
        CancellationToken cancellationToken = default,
        Stream? stdoutStream = null,
        Stream? stdinStream = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            CliCommandLine? commandLine = null;
            commandLine = new CliCommandLine(
                (result, token) =>
                {
                    var command = new RequestCommand(
                        commandLine!.ReadOptions(result),
                        stdout,
                        stdoutStream ?? new TextWriterStream(stdout),
                        () => stdinStream ?? Console.OpenStandardInput(),
                        stderr,
                        stderrIsTerminal);
                    return RunRequestAsync(command, stdout, stderr, token);
                },
                token => Demo.DemoSession.RunAsync(stdout, token));
            ParseResult parsed = commandLine.Parse(args);
            commandLine.ThrowIfInvalid(parsed);

            // Help, --version and the [suggest] directive of shell completion run through here too.
            var invocation = new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                // Program.Main owns Ctrl+C (the token); in-process callers keep their own signal handling.
                ProcessTerminationTimeout = null,
            };
            return await parsed.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("httpc: interrupted");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            return ReportFailure(e, stderr);
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }
    }

    /// <summary>One request; with <c>-w</c>, its report follows on standard output whether it succeeded or not (as curl).</summary>
    private static async Task<int> RunRequestAsync(RequestCommand command, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int exitCode;
        try
        {
            exitCode = await command.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            exitCode = ReportFailure(e, stderr);
        }

        if (command.WriteOut is { } format)
        {
            command.Report.Elapsed = clock.Elapsed;
            command.Report.ExitCode = exitCode;
            stdout.Write(format.Render(command.Report));
        }

        return exitCode;
    }

    /// <summary>Writes the one-line message for <paramref name="e"/> and returns its exit code.</summary>
    private static int ReportFailure(Exception e, TextWriter stderr)
    {
        CliFailure failure = RequestCommand.Translate(e, "error", "error");
        string hint = failure.ExitCode == ExitCodes.Usage ? " (see httpc --help)" : "";
        stderr.WriteLine($"httpc: {RequestCommand.OneLine(failure.Message)}{hint}");
        return failure.ExitCode;
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
