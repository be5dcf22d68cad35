using System;

namespace Http.Client.Cli;

/// <summary>
/// A failure httpc already knows how to explain: carries the exit code and the one-line message
/// printed on standard error (without the "httpc: " prefix).
/// </summary>
internal sealed class CliFailure : Exception
{
    public CliFailure(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }

    public static CliFailure Usage(string message) => new(ExitCodes.Usage, message);
}
