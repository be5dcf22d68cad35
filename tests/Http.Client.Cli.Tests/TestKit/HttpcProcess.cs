using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Http.Client.Cli.Tests.TestKit;

/// <summary>What one run of the built httpc executable produced.</summary>
internal sealed record ProcessResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);
}

/// <summary>
/// Runs the built executable (Program.Main, the real console) in a child process, bounded in time; the child is
/// killed (with its tree) when the limit passes.
/// </summary>
internal static class HttpcProcess
{
    /// <summary>Process start plus JIT on a loaded two-core machine; a run that should finish takes about a second.</summary>
    public static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(90);

    public static Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    /// <summary>Runs <c>httpc args</c>; <paramref name="stdin"/> is written to its standard input, then closed.</summary>
    public static Task<ProcessResult> RunAsync(string[] args, byte[]? stdin) =>
        RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [Path.Combine(AppContext.BaseDirectory, "httpc.dll"), .. args], stdin);

    /// <summary>Runs <paramref name="program"/> (the executable, or a tool shim) with <paramref name="args"/>.</summary>
    /// <param name="program">The program.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="stdin">Bytes for its standard input (closed after them), or null for none.</param>
    /// <param name="limit">How long it may take; <see cref="ProcessLimit"/> when null.</param>
    /// <param name="environment">Variables to set; a child <c>dotnet</c> command also loses the test host's MSBuild and VSTest variables.</param>
    public static async Task<ProcessResult> RunAsync(
        string program, string[] args, byte[]? stdin, TimeSpan? limit = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            // `dotnet test` sets variables that would point a child build at the test host's SDK pieces.
            foreach (string name in start.Environment.Keys.ToArray())
            {
                if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                {
                    start.Environment.Remove(name);
                }
            }

            foreach (KeyValuePair<string, string> variable in environment)
            {
                start.Environment[variable.Key] = variable.Value;
            }
        }

        if (args.Length > 0 && args[0].EndsWith(".dll", StringComparison.Ordinal))
        {
            Assert.True(File.Exists(args[0]), args[0]);
        }

        using Process process = Process.Start(start)!;
        using var stdout = new MemoryStream();
        using var timeout = new CancellationTokenSource(limit ?? ProcessLimit);
        try
        {
            Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
            Task<string> readErr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                if (stdin is not null)
                {
                    await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The child exited (or closed its input) without reading everything: its result says why.
            }
            await process.WaitForExitAsync(timeout.Token);
            await copyOut;
            return new ProcessResult(process.ExitCode, stdout.ToArray(), await readErr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {limit ?? ProcessLimit}");
        }
    }
}
