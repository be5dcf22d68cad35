using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Cli.Tests.TestKit;
using Xunit;

namespace Http.Client.Cli.Tests;

public sealed class RequestTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("httpc-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Get_writes_the_exact_body_to_the_output_file_and_nothing_on_a_redirected_stderr()
    {
        byte[] body = TestBytes.Random(300_000, seed: 1); // several copy buffers, every byte value
        await using var server = TestServer.Answering(200, "OK", body, "Content-Type: application/octet-stream");
        string file = Path.Combine(_directory, "out.bin");

        CliResult result = await CliRun.RunAsync(["-o", file, server.Url("/data.bin")], stderrIsTerminal: false);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal(body, await File.ReadAllBytesAsync(file));
        Assert.Equal("", result.Stderr); // no progress bar when standard error is not a terminal
        Assert.Equal("", result.Stdout);
        Assert.Empty(result.Body);
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.Equal("GET", request.Method);
        Assert.Equal("/data.bin", request.Target);
    }

    [Fact]
    public async Task Get_shows_a_progress_bar_when_stderr_is_a_terminal()
    {
        byte[] body = TestBytes.Random(200_000, seed: 2);
        await using var server = TestServer.Answering(200, "OK", body);
        string file = Path.Combine(_directory, "out.bin");

        CliResult result = await CliRun.RunAsync(["-o", file, server.Url()], stderrIsTerminal: true);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(body, await File.ReadAllBytesAsync(file));
        Assert.StartsWith("\r", result.Stderr);
        Assert.EndsWith("\n", result.Stderr);
        string finalLine = result.Stderr.TrimEnd('\n', ' ').Split('\r')[^1];
        Assert.Contains("100%", finalLine);
        Assert.Contains("195.3 KiB / 195.3 KiB", finalLine);
        Assert.Matches(@"/s$", finalLine);
    }

    [Fact]
    public async Task Get_writes_the_body_to_standard_output()
    {
        byte[] body = TestBytes.Random(70_000, seed: 3);
        await using var server = TestServer.Answering(200, "OK", body);

        CliResult result = await CliRun.RunAsync(server.Url("/x?y=1"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(body, result.Body);
        Assert.Equal("", result.Stderr);
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.Equal("/x?y=1", request.Target);
        Assert.Equal($"127.0.0.1:{server.Port}", request.Header("Host"));
        Assert.Equal(RequestCommand.UserAgent, request.Header("User-Agent"));
    }

    [Fact]
    public async Task Ipv6_literal_urls_connect_and_send_a_bracketed_host()
    {
        await using var server = TestServer.StartIPv6(_ => TestServer.Response(200, "OK", Encoding.ASCII.GetBytes("six")));

        CliResult result = await CliRun.RunAsync($"http://[::1]:{server.Port}/v6");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("six", result.BodyText);
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.Equal($"[::1]:{server.Port}", request.Header("Host"));
    }

    [Fact]
    public async Task Chunked_response_is_written_exactly_with_progress_of_unknown_total()
    {
        byte[] part1 = TestBytes.Random(100_000, seed: 5);
        byte[] part2 = TestBytes.Random(3, seed: 6);
        byte[] response =
        [
            .. Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"),
            .. Encoding.ASCII.GetBytes($"{part1.Length:X}\r\n"), .. part1, .. "\r\n"u8,
            .. Encoding.ASCII.GetBytes($"{part2.Length:X}\r\n"), .. part2, .. "\r\n0\r\n\r\n"u8,
        ];
        await using var server = TestServer.Start(_ => response);
        string file = Path.Combine(_directory, "chunked.bin");

        CliResult result = await CliRun.RunAsync(["-o", file, server.Url()], stderrIsTerminal: true);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        byte[] expected = [.. part1, .. part2];
        Assert.Equal(expected, await File.ReadAllBytesAsync(file));
        string finalLine = result.Stderr.TrimEnd('\n', ' ').Split('\r')[^1];
        Assert.StartsWith("97.7 KiB  ", finalLine); // no total, no percentage: the length was not announced
        Assert.DoesNotContain("%", finalLine);
    }

    [Fact]
    public async Task Include_prints_the_status_line_and_headers_before_the_body()
    {
        await using var server = TestServer.Answering(200, "OK", Encoding.ASCII.GetBytes("hello"), "X-Demo: a", "X-Demo: b");

        CliResult result = await CliRun.RunAsync("-i", server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("HTTP/1.1 200 OK\r\nX-Demo: a\r\nX-Demo: b\r\nContent-Length: 5\r\nConnection: close\r\n\r\n", result.Stdout);
        Assert.Equal("hello", result.BodyText);
    }

    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(503, "Service Unavailable")]
    public async Task Error_status_exits_with_the_http_error_code_and_still_writes_the_body(int status, string reason)
    {
        await using var server = TestServer.Answering(status, reason, Encoding.ASCII.GetBytes("nope"));

        CliResult result = await CliRun.RunAsync(server.Url("/parrot.spam"));

        CliRun.AssertOneLineError(result, ExitCodes.HttpError);
        Assert.Equal($"httpc: server answered {status} {reason}\n", result.Stderr);
        Assert.Equal("nope", result.BodyText);
    }

    [Fact]
    public async Task Refused_connection_exits_with_the_connection_code()
    {
        using var refusing = new RefusingPort();
        int port = refusing.Port;

        CliResult result = await CliRun.RunAsync($"http://127.0.0.1:{port}/");

        CliRun.AssertOneLineError(result, ExitCodes.ConnectionFailed);
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", result.Stderr);
        Assert.Empty(result.Body);
    }

    [Fact]
    public async Task Server_closing_without_a_response_exits_with_the_connection_code()
    {
        await using var server = TestServer.Start(_ => Array.Empty<byte>());

        CliResult result = await CliRun.RunAsync(server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.ConnectionFailed);
        Assert.Contains("closed the connection without a response", result.Stderr);
    }

    [Fact]
    public async Task Malformed_response_exits_with_the_protocol_code()
    {
        await using var server = TestServer.Start(_ => Encoding.ASCII.GetBytes("HELLO THERE\r\n\r\n"));

        CliResult result = await CliRun.RunAsync(server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.ProtocolError);
    }

    [Fact]
    public async Task Truncated_body_exits_with_the_protocol_code()
    {
        await using var server = TestServer.Start(_ => Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));

        CliResult result = await CliRun.RunAsync(server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.ProtocolError);
        Assert.Contains("cut short (3 bytes received, 7 more expected)", result.Stderr);
    }

    [Fact]
    public async Task Silent_server_exits_with_the_timeout_code()
    {
        await using var server = TestServer.Start(_ => null);

        CliResult result = await CliRun.RunAsync("--timeout", "0.5", server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.Timeout);
        Assert.Contains("timed out", result.Stderr);
    }

    [Fact]
    public async Task Cancellation_exits_with_the_interrupted_code()
    {
        await using var server = TestServer.Start(_ => null);
        using var interrupt = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        CliResult result = await CliRun.RunAsync([server.Url()], stderrIsTerminal: false, interrupt.Token);

        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Equal("httpc: interrupted\n", result.Stderr);
    }

    [Fact]
    public async Task Method_headers_and_data_are_sent()
    {
        await using var server = TestServer.Answering(200, "OK", []);

        CliResult result = await CliRun.RunAsync("-X", "PUT", "-H", "X-Trace: 42", "--header=Accept: text/plain", "-d", "a=1&b=é", server.Url("/file"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.Equal("PUT", request.Method);
        Assert.Equal("42", request.Header("X-Trace"));
        Assert.Equal("text/plain", request.Header("Accept"));
        Assert.Equal("application/x-www-form-urlencoded", request.Header("Content-Type"));
        Assert.Equal(Encoding.UTF8.GetBytes("a=1&b=é"), request.Body);
    }

    [Fact]
    public async Task Data_defaults_to_post_and_user_headers_override_defaults()
    {
        await using var server = TestServer.Answering(200, "OK", []);

        CliResult result = await CliRun.RunAsync("-d", "{}", "-H", "Content-Type: application/json", "-H", "User-Agent: me", server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.Equal("POST", request.Method);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Single(request.Headers, header => header.Key == "Content-Type");
        Assert.Equal("me", request.Header("User-Agent"));
        Assert.Single(request.Headers, header => header.Key == "User-Agent");
    }

    [Fact]
    public async Task Data_file_is_sent_with_its_length()
    {
        byte[] content = TestBytes.Random(50_000, seed: 4);
        string file = Path.Combine(_directory, "upload.bin");
        await File.WriteAllBytesAsync(file, content);
        await using var server = TestServer.Answering(201, "Created", []);

        CliResult result = await CliRun.RunAsync("-X", "PUT", "--data-file", file, server.Url("/up"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.Equal("50000", request.Header("Content-Length"));
        Assert.Null(request.Header("Transfer-Encoding"));
        Assert.Equal("application/octet-stream", request.Header("Content-Type"));
        Assert.Equal(content, request.Body);
    }

    [Fact]
    public async Task Head_writes_no_body()
    {
        await using var server = TestServer.Start(_ => Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n"));

        CliResult result = await CliRun.RunAsync("-X", "HEAD", "-i", server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Empty(result.Body);
        Assert.Contains("Content-Length: 1234\r\n", result.Stdout);
    }

    [Fact]
    public async Task Http_through_a_proxy_sends_the_absolute_url_to_the_proxy()
    {
        await using var proxy = TestServer.Answering(200, "OK", Encoding.ASCII.GetBytes("via proxy"));

        CliResult result = await CliRun.RunAsync("--proxy", $"127.0.0.1:{proxy.Port}", "http://example.invalid:8080/a/b?c=d");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("via proxy", result.BodyText);
        Assert.True(proxy.Requests.TryDequeue(out var request));
        Assert.Equal("http://example.invalid:8080/a/b?c=d", request.Target);
        Assert.Equal("example.invalid:8080", request.Header("Host"));
    }

    [Fact]
    public async Task Missing_data_file_exits_with_the_local_file_code()
    {
        await using var server = TestServer.Answering(200, "OK", []);

        CliResult result = await CliRun.RunAsync("--data-file", Path.Combine(_directory, "missing.bin"), server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.LocalFileError);
        Assert.Contains("missing.bin", result.Stderr);
    }

    [Fact]
    public async Task Unwritable_output_file_exits_with_the_local_file_code()
    {
        await using var server = TestServer.Answering(200, "OK", Encoding.ASCII.GetBytes("x"));

        CliResult result = await CliRun.RunAsync("-o", Path.Combine(_directory, "no-such-dir", "out.bin"), server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.LocalFileError);
    }

    [Fact]
    public async Task Header_value_with_a_line_break_is_a_usage_error_and_nothing_is_sent()
    {
        await using var server = TestServer.Answering(200, "OK", []);

        CliResult result = await CliRun.RunAsync("-H", "X-Evil: a\r\nInjected: yes", server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.Usage);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Verbose_turns_on_the_library_debug_output_without_changing_the_result()
    {
        await using var server = TestServer.Answering(200, "OK", Encoding.ASCII.GetBytes("fine"));
        string file = Path.Combine(_directory, "v.txt");

        CliResult result = await CliRun.RunAsync("-v", "-o", file, server.Url());

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("fine", await File.ReadAllTextAsync(file));
        // CPython's debug lines, on standard error so the body stays clean.
        Assert.Contains("send: b'GET / HTTP/1.1\\r\\n", result.Stderr);
        Assert.Contains("reply: 'HTTP/1.1 200 OK\\r\\n'", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Verbose_debug_output_goes_to_stderr_not_into_the_body_on_stdout()
    {
        await using var server = TestServer.Answering(200, "OK", Encoding.ASCII.GetBytes("clean"));

        CliResult result = await CliRun.RunAsync("-v", server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("clean", result.BodyText);
        Assert.Equal("", result.Stdout);
        Assert.Contains("reply: ", result.Stderr);
    }
}
