using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Cli.Demo;
using Http.Client.Cli.Tests.TestKit;
using Xunit;

namespace Http.Client.Cli.Tests;

public class DemoTests
{
    [Fact]
    public async Task Demo_exits_0_and_prints_every_examples_status_line()
    {
        CliResult result = await CliRun.RunAsync("demo");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr + result.Stdout);
        Assert.Equal("", result.Stderr);
        string[] lines = result.Stdout.Split('\n');
        // GET whole, GET in chunks (status printed once per response), HEAD, PUT, step-by-step PUT.
        Assert.True(lines.Count(line => line == "200 OK") >= 4, result.Stdout);
        Assert.Equal(2, lines.Count(line => line == "404 Not Found")); // invalid request + async twin
        Assert.Single(lines, line => line == "302 Found");
        Assert.Contains(">>> conn.Request(\"GET\", \"/\");", lines);
        Assert.Contains(">>> conn.Request(\"HEAD\", \"/\");", lines);
        Assert.Contains(">>> conn.Request(\"POST\", \"/cgi-bin/query\", form, headers);", lines);
        Assert.Contains(">>> conn.PutRequest(\"PUT\", \"/file\");", lines);
        Assert.Contains(">>> conn.EndHeaders();", lines);
        Assert.Contains(">>> conn.Send(Encoding.ASCII.GetBytes(BODY));", lines);
        Assert.Equal(2, lines.Count(line => line == DemoSession.PutBody)); // echoed by both PUTs
        Assert.Contains(lines, line => line.StartsWith("Redirecting to <a href=\"http://127.0.0.1:", StringComparison.Ordinal) && line.Contains("/issue12524\">"));
    }

    [Fact]
    public async Task Demo_reads_the_page_whole_and_in_200_byte_chunks_that_add_up_to_it()
    {
        CliResult result = await CliRun.RunAsync("demo");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        int pageLength = Encoding.UTF8.GetByteCount(DemoServer.HomePage);
        Assert.True(pageLength > DemoSession.ChunkSize);
        string[] lines = result.Stdout.Split('\n');
        int whole = Array.IndexOf(lines, ">>> Console.WriteLine(data1.Length);");
        Assert.Equal(pageLength.ToString(), lines[whole + 1]);
        string[] chunks = lines.SkipWhile(line => !line.StartsWith("... }", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(line => !line.StartsWith(">>>", StringComparison.Ordinal)).ToArray();
        Assert.Equal((pageLength + DemoSession.ChunkSize - 1) / DemoSession.ChunkSize, chunks.Length);
        Assert.StartsWith("\"<!doctype html>\\n", chunks[0]);
        Assert.Equal(DemoSession.Repr(Encoding.UTF8.GetBytes(DemoServer.HomePage)), "\"" + string.Concat(chunks.Select(chunk => chunk[1..^1])) + "\"");
    }

    [Fact]
    public async Task Demo_head_example_shows_an_empty_body()
    {
        CliResult result = await CliRun.RunAsync("demo");

        string[] lines = result.Stdout.Split('\n');
        int head = Array.IndexOf(lines, ">>> conn.Request(\"HEAD\", \"/\");");
        Assert.True(head > 0, result.Stdout);
        string[] after = lines[head..];
        Assert.Equal("0", after[Array.IndexOf(after, ">>> Console.WriteLine(data.Length);") + 1]);
        Assert.Equal("True", after[Array.IndexOf(after, ">>> Console.WriteLine(data.Length == 0);") + 1]);
    }

    [Fact]
    public async Task Demo_with_an_argument_is_a_usage_error()
    {
        CliResult result = await CliRun.RunAsync("demo", "extra");

        CliRun.AssertOneLineError(result, ExitCodes.Usage);
    }

    [Fact]
    public void Repr_escapes_like_a_csharp_literal()
    {
        Assert.Equal("\"a\\\"b\\\\c\\r\\n\\t\\u0000\\u00FF\"", DemoSession.Repr(new byte[] { (byte)'a', (byte)'"', (byte)'b', (byte)'\\', (byte)'c', 13, 10, 9, 0, 255 }));
    }
}

public class DemoServerTests
{
    private static readonly TimeSpan SocketLimit = TimeSpan.FromSeconds(30);

    private static async Task<string> ExchangeAsync(Socket socket, string request, int expectedResponses)
    {
        await socket.SendAsync(Encoding.Latin1.GetBytes(request));
        var received = new StringBuilder();
        byte[] buffer = new byte[8192];
        using var limit = new CancellationTokenSource(SocketLimit);
        // Bounded by the response count and the time limit.
        while (CountOccurrences(received.ToString(), "HTTP/1.1 ") < expectedResponses || !BodiesComplete(received.ToString(), expectedResponses))
        {
            int read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    private static bool BodiesComplete(string text, int responses)
    {
        // Each response ends with its Content-Length bytes; good enough to know the last one arrived.
        int last = text.LastIndexOf("HTTP/1.1 ", StringComparison.Ordinal);
        int headEnd = text.IndexOf("\r\n\r\n", last, StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }

        int lengthAt = text.IndexOf("Content-Length: ", last, StringComparison.Ordinal);
        int length = int.Parse(text[(lengthAt + 16)..text.IndexOf('\r', lengthAt)]);
        return text.Length - (headEnd + 4) >= length;
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var limit = new CancellationTokenSource(SocketLimit);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, limit.Token);
        return socket;
    }

    [Fact]
    public async Task Keeps_the_connection_alive_across_requests()
    {
        await using DemoServer server = DemoServer.Start();
        using Socket socket = await ConnectAsync(server.Port);

        string responses = await ExchangeAsync(socket, "GET /parrot.spam HTTP/1.1\r\nHost: x\r\n\r\nPUT /file HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 2);

        Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", responses);
        Assert.Contains("HTTP/1.1 200 OK\r\n", responses);
        Assert.EndsWith("\r\n\r\nabc", responses);
        Assert.DoesNotContain("Connection: close", responses);
    }

    [Fact]
    public async Task Decodes_a_chunked_request_body()
    {
        await using DemoServer server = DemoServer.Start();
        using Socket socket = await ConnectAsync(server.Port);

        string response = await ExchangeAsync(socket, "PUT /file HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n", 1);

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.EndsWith("\r\nContent-Length: 5\r\n\r\nabcde", response);
    }

    [Theory]
    [InlineData("NONSENSE\r\n\r\n", "HTTP/1.1 400 ")]
    [InlineData("PUT /file HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", "HTTP/1.1 413 ")]
    [InlineData("GET /", "HTTP/1.1 431 ")]
    public async Task Answers_bad_requests_with_an_error_and_closes(string request, string expectedStart)
    {
        if (request == "GET /")
        {
            request = "GET /" + new string('a', DemoRequestReader.MaxLineBytes) + " HTTP/1.1\r\n\r\n";
        }

        await using DemoServer server = DemoServer.Start();
        using Socket socket = await ConnectAsync(server.Port);

        await socket.SendAsync(Encoding.Latin1.GetBytes(request));
        string response = await ReadToEndAsync(socket);

        Assert.StartsWith(expectedStart, response);
        Assert.Contains("Connection: close\r\n", response);
    }

    [Fact]
    public async Task Answers_a_post_to_the_query_with_302_and_a_location()
    {
        await using DemoServer server = DemoServer.Start();
        using Socket socket = await ConnectAsync(server.Port);

        string response = await ExchangeAsync(socket, "POST /cgi-bin/query HTTP/1.1\r\nContent-Length: 14\r\n\r\n%40number=4242", 1);

        Assert.StartsWith("HTTP/1.1 302 Found\r\n", response);
        Assert.Contains($"Location: http://127.0.0.1:{server.Port}/issue4242\r\n", response);
    }

    [Fact]
    public async Task Disposing_closes_open_connections_and_stops_listening()
    {
        DemoServer server = DemoServer.Start();
        int port = server.Port;
        using Socket idle = await ConnectAsync(port);

        await server.DisposeAsync().AsTask().WaitAsync(SocketLimit);

        Assert.Equal("", await ReadToEndAsync(idle));
        var refused = await Assert.ThrowsAsync<SocketException>(async () => (await ConnectAsync(port)).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var limit = new CancellationTokenSource(SocketLimit);
        using var copy = new MemoryStream();
        try
        {
            await stream.CopyToAsync(copy, limit.Token);
        }
        catch (IOException)
        {
            // A reset after the server's last bytes still counts as the end.
        }

        return Encoding.Latin1.GetString(copy.ToArray());
    }
}
