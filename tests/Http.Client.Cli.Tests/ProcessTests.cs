using System;
using System.IO;
using System.Text;
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
    private readonly string _directory = Directory.CreateTempSubdirectory("httpc-process-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Demo_runs_as_a_process_and_exits_0()
    {
        ProcessResult result = await HttpcProcess.RunAsync("demo");

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
        byte[] body = TestBytes.Random(500_000, seed: 7);
        await using var server = TestServer.Answering(200, "OK", body);
        string file = Path.Combine(_directory, "download.bin");

        ProcessResult result = await HttpcProcess.RunAsync("-o", file, server.Url("/big"));

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

        ProcessResult result = await HttpcProcess.RunAsync(server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(body, result.Stdout);
    }

    [Fact]
    public async Task Error_status_sets_the_process_exit_code()
    {
        await using var server = TestServer.Answering(404, "Not Found", Encoding.ASCII.GetBytes("missing"));

        ProcessResult result = await HttpcProcess.RunAsync(server.Url("/parrot.spam"));

        Assert.Equal(ExitCodes.HttpError, result.ExitCode);
        Assert.Equal("httpc: server answered 404 Not Found" + Environment.NewLine, result.Stderr);
        Assert.Equal("missing", Encoding.ASCII.GetString(result.Stdout));
    }
}
