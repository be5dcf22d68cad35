using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Http.Client.Cli.Demo;
using Http.Client.Cli.Tests.TestKit;
using Xunit;

namespace Http.Client.Cli.Tests;

/// <summary>
/// The curl options beyond redirects, run as the built executable against loopback servers: <c>-</c> for standard
/// input and output, <c>-I</c>, <c>--fail</c>, <c>-w</c> and <c>--compressed</c>.
/// </summary>
public sealed class CurlOptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("httpc-option-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // ---- "-" as a file name ----

    [Fact]
    public async Task Data_file_dash_sends_standard_input_with_a_content_length()
    {
        byte[] input = TestBytes.Random(150_000, seed: 21); // larger than a pipe buffer, every byte value
        await using var server = TestServer.Start(_ => TestServer.Response(201, "Created", []));

        ProcessResult result = await HttpcProcess.RunAsync(["-X", "PUT", "--data-file", "-", server.Url("/upload")], stdin: input);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        DemoRequest request = Assert.Single(server.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal(input, request.Body);
        Assert.Equal("150000", request.Header("Content-Length"));
        Assert.Null(request.Header("Transfer-Encoding"));
        Assert.Equal("application/octet-stream", request.Header("Content-Type"));
    }

    [Fact]
    public async Task Data_file_dash_streams_standard_input_beyond_a_mebibyte_chunked()
    {
        byte[] input = TestBytes.Random(1_500_000, seed: 23);
        await using var server = TestServer.Start(_ => TestServer.Response(200, "OK", []));

        ProcessResult result = await HttpcProcess.RunAsync(["--data-file", "-", server.Url("/upload")], stdin: input);

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        DemoRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(input, request.Body);
        Assert.Equal("chunked", request.Header("Transfer-Encoding"));
    }

    [Fact]
    public async Task Data_file_dash_with_a_content_length_header_sends_it_unchunked()
    {
        await using var server = TestServer.Start(_ => TestServer.Response(200, "OK", []));

        ProcessResult result = await HttpcProcess.RunAsync(["--data-file", "-", "-H", "Content-Length: 5", server.Url("/")], stdin: "hello"u8.ToArray());

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        DemoRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("hello", Encoding.ASCII.GetString(request.Body));
        Assert.Null(request.Header("Transfer-Encoding"));
    }

    [Fact]
    public async Task Output_dash_writes_the_body_to_standard_output_byte_for_byte()
    {
        byte[] body = TestBytes.Random(100_000, seed: 22);
        await using var server = TestServer.Answering(200, "OK", body);

        ProcessResult result = await HttpcProcess.RunAsync("-o", "-", server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(body, result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "-")));
    }

    // ---- -I / --head ----

    [Fact]
    public async Task Head_sends_head_and_prints_only_the_status_line_and_headers()
    {
        await using var server = TestServer.Start(_ => Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nX-A: b\r\nConnection: close\r\n\r\n"));

        ProcessResult result = await HttpcProcess.RunAsync("-I", server.Url("/page"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nX-A: b\r\nConnection: close\r\n\r\n", result.StdoutText);
        Assert.Equal("HEAD", Assert.Single(server.Requests).Method);
    }

    // ---- --fail ----

    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(500, "Internal Server Error")]
    public async Task Fail_writes_no_body_and_no_headers_on_an_error_status(int status, string reason)
    {
        await using var server = TestServer.Answering(status, reason, Encoding.ASCII.GetBytes("error page"));
        string file = Path.Combine(_directory, "never.html");

        ProcessResult toStdout = await HttpcProcess.RunAsync("--fail", "-i", server.Url());
        ProcessResult toFile = await HttpcProcess.RunAsync("-f", "-o", file, server.Url());

        Assert.Equal(ExitCodes.HttpError, toStdout.ExitCode);
        Assert.Empty(toStdout.Stdout);
        Assert.Equal($"httpc: server answered {status} {reason}" + Environment.NewLine, toStdout.Stderr);
        Assert.Equal(ExitCodes.HttpError, toFile.ExitCode);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Fail_changes_nothing_on_success()
    {
        await using var server = TestServer.Answering(200, "OK", Encoding.ASCII.GetBytes("fine"));

        ProcessResult result = await HttpcProcess.RunAsync("--fail", server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("fine", result.StdoutText);
    }

    // ---- -w / --write-out ----

    [Fact]
    public async Task Write_out_prints_code_size_and_time_after_the_body()
    {
        await using var server = TestServer.Answering(200, "OK", Encoding.ASCII.GetBytes("12345"), "Content-Type: text/plain");

        ProcessResult result = await HttpcProcess.RunAsync("-w", @"\n%{http_code} %{size_download} %{time_total} %{content_type} 100%%\n", server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(new Regex(@"^12345\n200 5 \d+\.\d{6} text/plain 100%\n$"), result.StdoutText);
    }

    [Fact]
    public async Task Write_out_alone_on_standard_output_with_the_body_in_a_file()
    {
        await using var server = TestServer.Answering(404, "Not Found", Encoding.ASCII.GetBytes("missing"));
        string file = Path.Combine(_directory, "body.txt");

        ProcessResult result = await HttpcProcess.RunAsync("-o", file, "-w", "%{http_code}", server.Url());

        Assert.Equal(ExitCodes.HttpError, result.ExitCode);
        Assert.Equal("404", result.StdoutText);
        Assert.Equal("missing", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Write_out_reports_000_and_the_exit_code_when_nothing_answered()
    {
        using var refusing = new RefusingPort();

        ProcessResult result = await HttpcProcess.RunAsync("-w", "%{http_code} %{exitcode} %{size_download}", $"http://127.0.0.1:{refusing.Port}/");

        Assert.Equal(ExitCodes.ConnectionFailed, result.ExitCode);
        Assert.Equal("000 3 0", result.StdoutText);
        Assert.StartsWith("httpc: cannot connect to", result.Stderr);
    }

    [Fact]
    public async Task Write_out_counts_redirects_and_names_the_last_url()
    {
        await using var server = TestServer.Start(request => request.Target == "/a"
            ? TestServer.Response(302, "Found", [], "Location: /b")
            : TestServer.Response(200, "OK", Encoding.ASCII.GetBytes("b")));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-o", Path.Combine(_directory, "b"), "-w", "%{num_redirects} %{url_effective} %{method}", server.Url("/a"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal($"1 {server.Url("/b")} GET", result.StdoutText);
    }

    // ---- --compressed ----

    private static byte[] Compress(string encoding, byte[] data)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true),
            "br" => new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
        })
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task Compressed_asks_for_gzip_deflate_br_and_decodes_the_body(string encoding)
    {
        byte[] text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compressible text ", 20_000)));
        byte[] wire = Compress(encoding, text);
        await using var server = TestServer.Answering(200, "OK", wire, $"Content-Encoding: {encoding}");

        ProcessResult result = await HttpcProcess.RunAsync("--compressed", "-o", "-", "-w", "%{size_download}", server.Url());

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal([.. text, .. Encoding.ASCII.GetBytes(wire.Length.ToString())], result.Stdout); // size_download counts wire bytes
        Assert.Equal("gzip, deflate, br", Assert.Single(server.Requests).Header("Accept-Encoding"));
    }

    [Fact]
    public async Task Compressed_undoes_stacked_codings_in_reverse_order()
    {
        byte[] text = Encoding.ASCII.GetBytes("twice compressed");
        await using var server = TestServer.Answering(200, "OK", Compress("br", Compress("gzip", text)), "Content-Encoding: gzip, br");

        ProcessResult result = await HttpcProcess.RunAsync("--compressed", server.Url());

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal(text, result.Stdout);
    }

    [Fact]
    public async Task Without_compressed_the_body_is_written_as_it_came()
    {
        byte[] wire = Compress("gzip", "raw"u8.ToArray());
        await using var server = TestServer.Answering(200, "OK", wire, "Content-Encoding: gzip");

        ProcessResult result = await HttpcProcess.RunAsync(server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(wire, result.Stdout);
        Assert.NotEqual("gzip, deflate, br", Assert.Single(server.Requests).Header("Accept-Encoding"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public async Task Compressed_reports_a_corrupt_or_unknown_coding_as_a_protocol_error(string encoding)
    {
        await using var server = TestServer.Answering(200, "OK", Encoding.ASCII.GetBytes("this is not compressed at all"), $"Content-Encoding: {encoding}");

        ProcessResult result = await HttpcProcess.RunAsync("--compressed", server.Url());

        Assert.Equal(ExitCodes.ProtocolError, result.ExitCode);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("httpc: ", result.Stderr);
        Assert.Contains(encoding, result.Stderr);
    }

    [Fact]
    public async Task Compressed_leaves_an_accept_encoding_the_user_gave()
    {
        await using var server = TestServer.Answering(200, "OK", Compress("gzip", "z"u8.ToArray()), "Content-Encoding: gzip");

        ProcessResult result = await HttpcProcess.RunAsync("--compressed", "-H", "Accept-Encoding: gzip", server.Url());

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("z", result.StdoutText);
        Assert.Equal("gzip", Assert.Single(server.Requests).Header("Accept-Encoding"));
    }
}
