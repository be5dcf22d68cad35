using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli.Tests.TestKit;

/// <summary>What one in-process run of httpc produced.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>Runs <see cref="Httpc.RunAsync"/> in-process with captured output, bounded in time.</summary>
internal static class CliRun
{
    /// <summary>Generous: a run that should finish does so in well under a second even on a loaded machine.</summary>
    public static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, stderrIsTerminal: false);

    public static async Task<CliResult> RunAsync(string[] args, bool stderrIsTerminal, CancellationToken cancellationToken = default)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        using var body = new MemoryStream();
        int exitCode = await Httpc.RunAsync(args, stdout, stderr, stderrIsTerminal, cancellationToken, body).WaitAsync(RunLimit);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString(), body.ToArray());
    }

    /// <summary>Asserts the run failed with <paramref name="exitCode"/> and exactly one "httpc: ..." line, no stack trace.</summary>
    public static void AssertOneLineError(CliResult result, int exitCode)
    {
        Xunit.Assert.True(exitCode == result.ExitCode, $"expected exit {exitCode}, got {result.ExitCode}; stderr: {result.Stderr}");
        string[] lines = result.Stderr.TrimEnd('\n').Split('\n');
        Xunit.Assert.Single(lines);
        Xunit.Assert.StartsWith("httpc: ", lines[0]);
        Xunit.Assert.DoesNotContain("   at ", result.Stderr);
        Xunit.Assert.DoesNotContain("Exception:", result.Stderr);
    }
}
