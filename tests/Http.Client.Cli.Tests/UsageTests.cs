using System;
using System.Threading.Tasks;
using Http.Client.Cli.Tests.TestKit;
using Xunit;

namespace Http.Client.Cli.Tests;

public class UsageTests
{
    [Theory]
    [InlineData]
    [InlineData("--bogus", "http://127.0.0.1:1/")]
    [InlineData("-Z", "http://127.0.0.1:1/")]
    [InlineData("ftp://127.0.0.1/file")]
    [InlineData("http://")]
    [InlineData("http://127.0.0.1:99999/")]
    [InlineData("http://user:pw@127.0.0.1:1/")]
    [InlineData("http://exa mple.com/")]
    [InlineData("")]
    [InlineData("http://127.0.0.1:1/", "-X")]
    [InlineData("-H", "NoColon", "http://127.0.0.1:1/")]
    [InlineData("-H", ": empty name", "http://127.0.0.1:1/")]
    [InlineData("-d", "a", "--data-file", "b", "http://127.0.0.1:1/")]
    [InlineData("--timeout", "abc", "http://127.0.0.1:1/")]
    [InlineData("--timeout", "0", "http://127.0.0.1:1/")]
    [InlineData("--timeout", "NaN", "http://127.0.0.1:1/")]
    [InlineData("--proxy", "127.0.0.1", "http://127.0.0.1:1/")]
    [InlineData("--proxy", "127.0.0.1:0", "http://127.0.0.1:1/")]
    [InlineData("--proxy", "https://127.0.0.1:3128", "http://127.0.0.1:1/")]
    [InlineData("-i=yes", "http://127.0.0.1:1/")]
    [InlineData("http://127.0.0.1:1/a", "http://127.0.0.1:1/b")]
    [InlineData("-X", "GE T", "http://127.0.0.1:1/")]
    public async Task Bad_command_lines_exit_with_the_usage_code_and_one_line(params string[] args)
    {
        CliResult result = await CliRun.RunAsync(args);

        CliRun.AssertOneLineError(result, ExitCodes.Usage);
        Assert.EndsWith("(see httpc --help)\n", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Unknown_option_is_named_in_the_message()
    {
        CliResult result = await CliRun.RunAsync("--frobnicate", "http://127.0.0.1:1/");

        Assert.Equal("httpc: unknown option '--frobnicate' (see httpc --help)\n", result.Stderr);
    }

    [Fact]
    public async Task Help_lists_every_option_and_exits_0()
    {
        CliResult result = await CliRun.RunAsync("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        foreach (string option in new[] { "demo", "-X", "-H", "-d", "--data-file", "-o", "-i", "-v", "--proxy", "--cacert", "--timeout" })
        {
            Assert.Contains(option, result.Stdout);
        }
    }

    [Fact]
    public async Task Version_prints_the_tool_version()
    {
        CliResult result = await CliRun.RunAsync("--version");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal($"httpc {Httpc.Version}\n", result.Stdout);
    }

    [Fact]
    public void Exit_codes_are_distinct()
    {
        int[] codes =
        [
            ExitCodes.Success, ExitCodes.HttpError, ExitCodes.Usage, ExitCodes.ConnectionFailed, ExitCodes.TlsFailed,
            ExitCodes.Timeout, ExitCodes.ProtocolError, ExitCodes.LocalFileError, ExitCodes.Cancelled, ExitCodes.InternalError,
        ];
        Assert.Equal(codes.Length, new System.Collections.Generic.HashSet<int>(codes).Count);
    }
}

public class ParsingTests
{
    [Theory]
    [InlineData("http://example.com", false, "example.com", 80, "/", "http://example.com/")]
    [InlineData("https://example.com/a/b?c=d#frag", true, "example.com", 443, "/a/b?c=d", "https://example.com/a/b?c=d")]
    [InlineData("http://127.0.0.1:8080/x", false, "127.0.0.1", 8080, "/x", "http://127.0.0.1:8080/x")]
    [InlineData("https://[::1]:8443/", true, "::1", 8443, "/", "https://[::1]:8443/")]
    [InlineData("localhost:3000/path", false, "localhost", 3000, "/path", "http://localhost:3000/path")]
    [InlineData("HTTP://Example.COM:80/", false, "example.com", 80, "/", "http://example.com/")]
    [InlineData("http://example.com/a b", false, "example.com", 80, "/a%20b", "http://example.com/a%20b")]
    public void Urls_parse_into_connection_and_request_target(string text, bool https, string host, int port, string pathAndQuery, string absolute)
    {
        TargetUrl url = TargetUrl.Parse(text);

        Assert.Equal(new TargetUrl(https, host, port, pathAndQuery, absolute), url);
    }

    [Theory]
    [InlineData("127.0.0.1:3128", "127.0.0.1", 3128)]
    [InlineData("http://proxy.local:8080/", "proxy.local", 8080)]
    [InlineData("[::1]:3128", "::1", 3128)]
    public void Proxies_parse(string text, string host, int port)
    {
        Assert.Equal((host, port), TargetUrl.ParseProxy(text));
    }

    [Theory]
    [InlineData("::1:3128")]
    [InlineData(":3128")]
    [InlineData("host:")]
    [InlineData("host:65536")]
    [InlineData("[::1]3128")]
    public void Bad_proxies_are_usage_errors(string text)
    {
        var failure = Assert.Throws<CliFailure>(() => TargetUrl.ParseProxy(text));
        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
    }

    [Fact]
    public void Options_accept_glued_equals_and_separate_values()
    {
        CliOptions options = CliOptions.Parse(["-XPATCH", "--output=o.bin", "-HA: 1", "--header", "B:2", "--timeout", "1.5", "-i", "-v", "--", "-weird-url"]);

        Assert.Equal("PATCH", options.EffectiveMethod);
        Assert.Equal("o.bin", options.OutputFile);
        Assert.Equal([new("A", "1"), new("B", "2")], options.Headers);
        Assert.Equal(TimeSpan.FromSeconds(1.5), options.Timeout);
        Assert.True(options.Include);
        Assert.True(options.Verbose);
        Assert.Equal("-weird-url", options.Url);
    }

    [Fact]
    public void Header_value_keeps_inner_colons_and_trims_outer_spaces()
    {
        Assert.Equal(new("Location", "http://x:1/"), CliOptions.ParseHeader("Location:   http://x:1/  "));
        Assert.Equal(new("X-Empty", ""), CliOptions.ParseHeader("X-Empty:"));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5.0 GiB")]
    public void Byte_counts_use_binary_units(long bytes, string expected)
    {
        Assert.Equal(expected, ProgressBar.FormatBytes(bytes));
    }

    [Fact]
    public void Progress_line_shows_bar_percentage_total_and_rate_when_the_length_is_known()
    {
        string line = ProgressBar.Format(received: 512 * 1024, total: 1024 * 1024, elapsedSeconds: 2);

        Assert.Equal("[" + new string('#', ProgressBar.BarWidth / 2) + new string('.', ProgressBar.BarWidth / 2) + "]  50%  512.0 KiB / 1.0 MiB  256.0 KiB/s", line);
    }

    [Fact]
    public void Progress_line_shows_bytes_and_rate_when_the_length_is_unknown()
    {
        Assert.Equal("2.0 MiB  1.0 MiB/s", ProgressBar.Format(received: 2 * 1024 * 1024, total: null, elapsedSeconds: 2));
    }

    [Fact]
    public void Progress_redraws_are_throttled_and_completion_ends_the_line()
    {
        var writer = new System.IO.StringWriter { NewLine = "\n" };
        var bar = new ProgressBar(writer, total: 1000);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int received = 1; received <= 1000; received++)
        {
            bar.Report(received);
        }

        long elapsed = clock.ElapsedMilliseconds;
        bar.Complete(1000);

        string output = writer.ToString();
        int redraws = output.Split('\r').Length - 1;
        // The first report draws; later ones only once per interval (a loaded machine may stretch the loop); plus the final draw.
        Assert.InRange(redraws, 2, 2 + (elapsed / ProgressBar.MinRedrawIntervalMilliseconds));
        Assert.EndsWith("\n", output);
        Assert.Contains("100%", output.Split('\r')[^1]);
    }
}

public class CommandLineTests
{
    [Fact]
    public async Task Help_lists_the_curl_options_and_the_exit_codes()
    {
        CliResult result = await CliRun.RunAsync("-h");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        foreach (string option in new[] { "-L, --location", "--max-redirs <NUM>", "-I, --head", "-f, --fail", "-w, --write-out <FORMAT>", "--compressed", "Exit codes:", "47 too many redirects" })
        {
            Assert.Contains(option, result.Stdout);
        }
    }

    [Fact]
    public async Task Suggest_directive_completes_option_names_for_the_shell()
    {
        CliResult result = await CliRun.RunAsync("[suggest:10]", "httpc --lo");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(["--location"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--max-redirs", "x")]
    [InlineData("--max-redirs", "-2")]
    [InlineData("-w", "%{no_such_variable}")]
    [InlineData("-I", "-d", "a")]
    [InlineData("-I", "-X", "GET")]
    [InlineData("--location=yes")]
    [InlineData("demo", "extra")]
    public async Task Bad_new_options_are_usage_errors(params string[] args)
    {
        CliResult result = await CliRun.RunAsync([.. args, "http://127.0.0.1:1/"]);

        CliRun.AssertOneLineError(result, ExitCodes.Usage);
        Assert.EndsWith("(see httpc --help)\n", result.Stderr);
    }

    [Fact]
    public void New_options_parse_with_short_and_long_names()
    {
        CliOptions options = CliOptions.Parse(["-L", "--max-redirs", "-1", "-f", "-w", "%{http_code}", "--compressed", "-o", "-", "--data-file", "-", "http://h/"]);

        Assert.True(options.FollowRedirects);
        Assert.Equal(-1, options.MaxRedirects);
        Assert.True(options.Fail);
        Assert.NotNull(options.WriteOut);
        Assert.True(options.Compressed);
        Assert.True(options.OutputIsStandardOutput);
        Assert.Equal("-", options.DataFile);
        Assert.Equal("POST", options.EffectiveMethod);
        Assert.Equal(CliOptions.DefaultMaxRedirects, CliOptions.Parse(["-L", "http://h/"]).MaxRedirects);
        Assert.Equal("HEAD", CliOptions.Parse(["--head", "http://h/"]).EffectiveMethod);
    }

    [Fact]
    public void Write_out_format_resolves_curl_escapes_and_variables()
    {
        var report = new TransferReport
        {
            Status = 201, Version = 11, BodyBytes = 42, Elapsed = TimeSpan.FromMilliseconds(1234.5678), Redirects = 2,
            EffectiveUrl = "http://h/x", ContentType = "text/plain", Method = "PUT", ExitCode = 0,
        };

        string text = WriteOutFormat.Parse(@"%{http_code}\t%{response_code} %{size_download}B %{time_total}s %{num_redirects} %{url_effective} %{content_type} %{method} %{http_version} %{exitcode} 100%% \\n\n%{unclosed").Render(report);

        Assert.Equal("201\t201 42B 1.234568s 2 http://h/x text/plain PUT 1.1 0 100% \\n\n%{unclosed", text);
        Assert.Equal("000", WriteOutFormat.Parse("%{http_code}").Render(new TransferReport()));
    }

    [Theory]
    [InlineData(303, "POST", "GET", false)]
    [InlineData(303, "PUT", "GET", false)]
    [InlineData(303, "HEAD", "HEAD", true)]
    [InlineData(301, "POST", "GET", false)]
    [InlineData(302, "POST", "GET", false)]
    [InlineData(302, "PUT", "PUT", true)]
    [InlineData(307, "POST", "POST", true)]
    [InlineData(308, "DELETE", "DELETE", true)]
    public void Redirected_method_follows_curl(int status, string method, string expectedMethod, bool keepsBody)
    {
        Assert.Equal((expectedMethod, keepsBody), RequestCommand.RedirectedMethod(status, method));
    }
}
