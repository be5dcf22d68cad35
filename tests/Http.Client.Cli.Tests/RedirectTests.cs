using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Http.Client.Cli.Demo;
using Http.Client.Cli.Tests.TestKit;
using Xunit;

namespace Http.Client.Cli.Tests;

/// <summary>
/// <c>-L/--location</c> and <c>--max-redirs</c>, run as the built executable against loopback servers: chains,
/// limits, curl's method rules (303; POST on 301/302; 307/308 keep method and body) and credentials on a change
/// of host.
/// </summary>
public sealed class RedirectTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("httpc-redirect-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Redirect(int status, string location, string body = "moved") =>
        TestServer.Response(status, "Moved", Encoding.ASCII.GetBytes(body), $"Location: {location}");

    private static byte[] Ok(string body) => TestServer.Response(200, "OK", Encoding.ASCII.GetBytes(body));

    private static DemoRequest[] Received(TestServer server) => server.Requests.ToArray();

    [Fact]
    public async Task Location_follows_a_chain_of_relative_and_absolute_redirects_and_shows_each_hop_under_verbose()
    {
        TestServer? self = null;
        await using var server = TestServer.Start(request => request.Target switch
        {
            "/a" => Redirect(301, "b"),                             // relative to /a
            "/b" => Redirect(302, self!.Url("/c?x=1")),             // absolute
            "/c?x=1" => Redirect(308, "/d"),                        // absolute path
            "/d" => Ok("arrived"),
            _ => TestServer.Response(404, "Not Found", []),
        });
        self = server;

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-v", server.Url("/a"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("arrived", result.StdoutText); // the redirects' own bodies are not written
        Assert.Equal(["/a", "/b", "/c?x=1", "/d"], Received(server).Select(r => r.Target));
        Assert.All(Received(server), r => Assert.Equal("GET", r.Method));
        Assert.Contains($"redirect 1 of at most 50: 301 Moved -> GET {server.Url("/b")}", result.Stderr);
        Assert.Contains($"redirect 2 of at most 50: 302 Moved -> GET {server.Url("/c?x=1")}", result.Stderr);
        Assert.Contains($"redirect 3 of at most 50: 308 Moved -> GET {server.Url("/d")}", result.Stderr);
        Assert.Equal(4, result.Stderr.Split('\n').Count(line => line.StartsWith("send: b'GET ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Without_location_a_redirect_is_the_answer()
    {
        await using var server = TestServer.Start(_ => Redirect(302, "/elsewhere", "see elsewhere"));

        ProcessResult result = await HttpcProcess.RunAsync("-i", server.Url("/a"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.StartsWith("HTTP/1.1 302 Moved\r\nLocation: /elsewhere\r\n", result.StdoutText);
        Assert.EndsWith("\r\n\r\nsee elsewhere", result.StdoutText);
        Assert.Single(Received(server));
    }

    [Fact]
    public async Task Include_with_location_prints_every_response_head_and_the_last_body()
    {
        await using var server = TestServer.Start(request => request.Target == "/a" ? Redirect(307, "/b") : Ok("end"));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-i", server.Url("/a"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(@"^HTTP/1\.1 307 Moved\r\n(.+\r\n)+\r\nHTTP/1\.1 200 OK\r\n(.+\r\n)+\r\nend$", result.StdoutText);
    }

    [Fact]
    public async Task Max_redirs_stops_a_loop_with_exit_47_after_that_many_redirects()
    {
        await using var server = TestServer.Start(_ => Redirect(302, "/loop"));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "--max-redirs", "3", server.Url("/loop"));

        Assert.Equal(ExitCodes.TooManyRedirects, result.ExitCode);
        Assert.Equal(4, Received(server).Length); // the request and three redirects followed
        Assert.StartsWith("httpc: maximum (3) redirects followed", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task The_default_limit_is_50_redirects_as_curl()
    {
        await using var server = TestServer.Start(request => Redirect(301, "/hop" + (request.Target.Length % 7)));

        ProcessResult result = await HttpcProcess.RunAsync("-L", server.Url("/start"));

        Assert.Equal(ExitCodes.TooManyRedirects, result.ExitCode);
        Assert.Equal(51, Received(server).Length);
        Assert.StartsWith("httpc: maximum (50) redirects followed", result.Stderr);
    }

    [Fact]
    public async Task Max_redirs_0_refuses_the_first_redirect()
    {
        await using var server = TestServer.Start(_ => Redirect(302, "/next"));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "--max-redirs", "0", server.Url("/"));

        Assert.Equal(ExitCodes.TooManyRedirects, result.ExitCode);
        Assert.Single(Received(server));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task See_other_303_turns_any_method_into_a_get_without_body(string method)
    {
        await using var server = TestServer.Start(request => request.Target == "/form" ? Redirect(303, "/result") : Ok("thanks"));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-X", method, "-d", "name=value", "-H", "Content-Type: text/plain", server.Url("/form"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("thanks", result.StdoutText);
        DemoRequest[] requests = Received(server);
        Assert.Equal(method, requests[0].Method);
        Assert.Equal("name=value", Encoding.ASCII.GetString(requests[0].Body));
        Assert.Equal("GET", requests[1].Method);
        Assert.Empty(requests[1].Body);
        Assert.Null(requests[1].Header("Content-Length"));
        Assert.Null(requests[1].Header("Content-Type"));
    }

    [Fact]
    public async Task See_other_303_keeps_head()
    {
        await using var server = TestServer.Start(request => request.Target == "/a" ? Redirect(303, "/b") : Ok(""));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-I", server.Url("/a"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(["HEAD", "HEAD"], Received(server).Select(r => r.Method));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    public async Task Moved_and_found_turn_post_into_get_as_curl_does(int status)
    {
        await using var server = TestServer.Start(request => request.Target == "/form" ? Redirect(status, "/result") : Ok("done"));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-d", "a=1", server.Url("/form"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        DemoRequest[] requests = Received(server);
        Assert.Equal(("POST", "a=1"), (requests[0].Method, Encoding.ASCII.GetString(requests[0].Body)));
        Assert.Equal("GET", requests[1].Method);
        Assert.Empty(requests[1].Body);
        Assert.Null(requests[1].Header("Content-Type"));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    public async Task Moved_and_found_keep_a_put_and_its_body(int status)
    {
        await using var server = TestServer.Start(request => request.Target == "/old" ? Redirect(status, "/new") : Ok("stored"));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-X", "PUT", "-d", "payload", server.Url("/old"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.All(Received(server), r => Assert.Equal(("PUT", "payload"), (r.Method, Encoding.ASCII.GetString(r.Body))));
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Temporary_and_permanent_redirects_keep_the_method_and_body(int status)
    {
        await using var server = TestServer.Start(request => request.Target == "/upload" ? Redirect(status, "/upload2") : Ok("got it"));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-d", "x=1&y=2", server.Url("/upload"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        DemoRequest[] requests = Received(server);
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("x=1&y=2", Encoding.ASCII.GetString(r.Body));
            Assert.Equal("application/x-www-form-urlencoded", r.Header("Content-Type"));
        });
    }

    [Fact]
    public async Task A_307_resends_a_data_file_from_its_start()
    {
        byte[] content = TestBytes.Random(200_000, seed: 11);
        string file = Path.Combine(_directory, "upload.bin");
        await File.WriteAllBytesAsync(file, content);
        await using var server = TestServer.Start(request => request.Target == "/a" ? Redirect(307, "/b") : Ok("ok"));

        ProcessResult result = await HttpcProcess.RunAsync("-L", "-X", "PUT", "--data-file", file, server.Url("/a"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.All(Received(server), r =>
        {
            Assert.Equal(content, r.Body);
            Assert.Equal("200000", r.Header("Content-Length"));
        });
    }

    [Fact]
    public async Task A_307_resends_standard_input_it_kept()
    {
        await using var server = TestServer.Start(request => request.Target == "/a" ? Redirect(307, "/b") : Ok("ok"));

        ProcessResult result = await HttpcProcess.RunAsync(["-L", "--data-file", "-", server.Url("/a")], stdin: "twice"u8.ToArray());

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal(["twice", "twice"], Received(server).Select(r => Encoding.ASCII.GetString(r.Body)));
    }

    [Fact]
    public async Task A_307_cannot_resend_a_long_standard_input_and_says_so()
    {
        byte[] input = TestBytes.Random(1_200_000, seed: 12);
        await using var server = TestServer.Start(request => request.Target == "/a" ? Redirect(307, "/b") : Ok("ok"));

        ProcessResult result = await HttpcProcess.RunAsync(["-L", "--data-file", "-", server.Url("/a")], stdin: input);

        Assert.Equal(ExitCodes.LocalFileError, result.ExitCode);
        Assert.StartsWith("httpc: the redirect asks for the body again, but standard input is a pipe and cannot be read twice", result.Stderr);
        Assert.Equal(input, Assert.Single(Received(server)).Body);
    }

    [Fact]
    public async Task Credentials_and_host_go_to_the_same_origin_but_never_to_another_host()
    {
        await using var other = TestServer.Start(_ => Ok("other host"));
        TestServer? self = null;
        await using var server = TestServer.Start(request => request.Target switch
        {
            "/a" => Redirect(302, self!.Url("/b")),        // same origin: credentials kept
            _ => Redirect(307, other.Url("/c")),           // another port: another origin
        });
        self = server;
        string host = $"127.0.0.1:{server.Port}";

        ProcessResult result = await HttpcProcess.RunAsync(
            "-L", "-v", "-H", "Authorization: Bearer secret", "-H", "Cookie: session=1", "-H", $"Host: {host}", "-H", "X-Trace: t1", server.Url("/a"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("other host", result.StdoutText);
        Assert.All(Received(server), r =>
        {
            Assert.Equal("Bearer secret", r.Header("Authorization"));
            Assert.Equal("session=1", r.Header("Cookie"));
        });
        DemoRequest moved = Assert.Single(Received(other));
        Assert.Null(moved.Header("Authorization"));
        Assert.Null(moved.Header("Cookie"));
        Assert.Equal($"127.0.0.1:{other.Port}", moved.Header("Host"));
        Assert.Equal("t1", moved.Header("X-Trace"));
        Assert.Contains("not sent to the new host: Authorization, Cookie, Host", result.Stderr);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/file")]
    [InlineData("http://user:pw@127.0.0.1/")]
    [InlineData("http://127.0.0.1:99999/")]
    public async Task An_unusable_location_is_a_protocol_error(string location)
    {
        await using var server = TestServer.Start(_ => Redirect(302, location));

        ProcessResult result = await HttpcProcess.RunAsync("-L", server.Url("/"));

        Assert.Equal(ExitCodes.ProtocolError, result.ExitCode);
        Assert.StartsWith($"httpc: the server redirected to an unusable Location '{location}'", result.Stderr);
    }

    [Fact]
    public async Task A_redirect_without_location_is_the_answer_even_with_location_option()
    {
        await using var server = TestServer.Start(_ => TestServer.Response(302, "Found", Encoding.ASCII.GetBytes("nowhere")));

        ProcessResult result = await HttpcProcess.RunAsync("-L", server.Url("/"));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("nowhere", result.StdoutText);
    }
}
