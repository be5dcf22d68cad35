using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Cli.Tests.TestKit;
using Xunit;

namespace Http.Client.Cli.Tests;

/// <summary>
/// The real executable (Program.Main) in a child process: the console wiring that in-process runs cannot see —
/// binary standard output, redirected standard error, the exit code the shell gets.
/// </summary>
public sealed class ProcessTests : IDisposable
{
    /// <summary>Process start plus JIT on a loaded two-core machine; a run that should finish takes about a second.</summary>
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(90);

    private readonly string _directory = Directory.CreateTempSubdirectory("httpc-process-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed record ProcessResult(int ExitCode, byte[] Stdout, string Stderr);

    private static async Task<ProcessResult> RunHttpcAsync(params string[] args)
    {
        string httpc = Path.Combine(AppContext.BaseDirectory, "httpc.dll");
        Assert.True(File.Exists(httpc), httpc);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(httpc);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Close();
        using var stdout = new MemoryStream();
        using var limit = new CancellationTokenSource(ProcessLimit);
        try
        {
            Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, limit.Token);
            Task<string> readErr = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            await copyOut;
            return new ProcessResult(process.ExitCode, stdout.ToArray(), await readErr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"httpc {string.Join(' ', args)} did not finish within {ProcessLimit}");
        }
    }

    [Fact]
    public async Task Demo_runs_as_a_process_and_exits_0()
    {
        ProcessResult result = await RunHttpcAsync("demo");

        Assert.True(result.ExitCode == 0, result.Stderr);
        string output = Encoding.UTF8.GetString(result.Stdout);
        Assert.Contains("\n200 OK\n", output);
        Assert.Contains("\n404 Not Found\n", output);
        Assert.Contains("\n302 Found\n", output);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Download_with_redirected_stderr_prints_no_progress()
    {
        byte[] body = new byte[500_000];
        new Random(7).NextBytes(body);
        await using var server = TestServer.Answering(200, "OK", body);
        string file = Path.Combine(_directory, "download.bin");

        ProcessResult result = await RunHttpcAsync("-o", file, server.Url("/big"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("", result.Stderr);
        Assert.Empty(result.Stdout);
        Assert.Equal(body, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task Binary_body_reaches_standard_output_byte_for_byte()
    {
        byte[] body = new byte[256 * 4];
        for (int i = 0; i < body.Length; i++)
        {
            body[i] = (byte)i; // every byte value, including invalid UTF-8
        }

        await using var server = TestServer.Answering(200, "OK", body);

        ProcessResult result = await RunHttpcAsync(server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(body, result.Stdout);
    }

    [Fact]
    public async Task Error_status_sets_the_process_exit_code()
    {
        await using var server = TestServer.Answering(404, "Not Found", Encoding.ASCII.GetBytes("missing"));

        ProcessResult result = await RunHttpcAsync(server.Url("/parrot.spam"));

        Assert.Equal(ExitCodes.HttpError, result.ExitCode);
        Assert.Equal("httpc: server answered 404 Not Found" + Environment.NewLine, result.Stderr);
        Assert.Equal("missing", Encoding.ASCII.GetString(result.Stdout));
    }
}
