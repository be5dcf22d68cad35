using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli.Demo;

/// <summary>
/// <c>httpc demo</c>: replays the example sessions of the seed document (Python's http.client page)
/// with Http.Client against an embedded <see cref="DemoServer"/>, printing each call the way the
/// Python documentation shows its interactive session, followed by the real result.
/// </summary>
internal sealed class DemoSession
{
    /// <summary>Timeout given to every demo connection: the server is in-process, so this only stops a bug from hanging.</summary>
    internal static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The seed's chunk size for the "read in chunks" example.</summary>
    internal const int ChunkSize = 200;

    /// <summary>The body of the seed's PUT example.</summary>
    internal const string PutBody = "***filecontents***";

    private readonly TextWriter _out;
    private readonly CancellationToken _cancellationToken;
    private readonly int _port;

    private DemoSession(TextWriter output, int port, CancellationToken cancellationToken)
    {
        _out = output;
        _port = port;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Starts the server, runs every example, stops the server. Returns <see cref="ExitCodes.Success"/>.</summary>
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        await using DemoServer server = DemoServer.Start();
        var session = new DemoSession(output, server.Port, cancellationToken);
        // The seed's examples are synchronous calls; run them off the caller's context.
        await Task.Run(session.RunSynchronousExamples, cancellationToken).ConfigureAwait(false);
        await session.RunAsyncExampleAsync().ConfigureAwait(false);
        output.WriteLine();
        output.WriteLine("# Demo finished: every example ran against the embedded server, which is now stopped.");
        output.Flush();
        return ExitCodes.Success;
    }

    private string Port => _port.ToString(CultureInfo.InvariantCulture);

    private string Timeout => "TimeSpan.FromSeconds(" + ConnectionTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + ")";

    private void RunSynchronousExamples()
    {
        _out.WriteLine("# Http.Client demo: the example sessions of Python's http.client documentation,");
        _out.WriteLine($"# replayed with Http.Client against an embedded HTTP/1.1 server at http://127.0.0.1:{Port}/");
        _out.WriteLine("# (in this process; no network needed). '>>>' lines are the calls, the other lines their results.");
        GetExample();
        HeadExample();
        PostExample();
        PutExamples();
    }

    private void GetExample()
    {
        Section("Here is an example session that uses the GET method:");
        Code("using Http.Client;");
        Code($"var conn = new HttpConnection(\"127.0.0.1:{Port}\", timeout: {Timeout});");
        using var conn = new HttpConnection("127.0.0.1:" + Port, timeout: ConnectionTimeout);
        Code("conn.Request(\"GET\", \"/\");");
        conn.Request("GET", "/");
        Code("var r1 = conn.GetResponse();");
        HttpResponse r1 = conn.GetResponse();
        Code("Console.WriteLine($\"{r1.Status} {r1.Reason}\");");
        Result(StatusLine(r1));
        Code("var data1 = r1.Read();  // This will return entire content.");
        byte[] data1 = r1.Read();
        Code("Console.WriteLine(data1.Length);");
        Result(data1.Length.ToString(CultureInfo.InvariantCulture));
        r1.Dispose();

        Code("// The following example demonstrates reading data in chunks.");
        Code("conn.Request(\"GET\", \"/\");");
        conn.Request("GET", "/");
        Code("r1 = conn.GetResponse();");
        r1 = conn.GetResponse();
        Code("while (true)");
        More("{");
        More($"    var chunk = r1.Read({ChunkSize});  // {ChunkSize} bytes");
        More("    if (chunk.Length == 0)");
        More("        break;");
        More("    Console.WriteLine(Repr(chunk));  // Repr: the bytes as a C# literal, like Python's repr()");
        More("}");
        // Bounded: the page is a few hundred bytes, so a runaway loop means a bug; stop and say so.
        int maxChunks = DemoServer.HomePage.Length / ChunkSize + 2;
        for (int i = 0; ; i++)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            byte[] chunk = r1.Read(ChunkSize);
            if (chunk.Length == 0)
            {
                break;
            }

            if (i == maxChunks)
            {
                throw new InvalidOperationException($"the demo page yielded more than {maxChunks} chunks of {ChunkSize} bytes");
            }

            Result(Repr(chunk));
        }

        r1.Dispose();

        Code("// Example of an invalid request");
        Code("conn.Request(\"GET\", \"/parrot.spam\");");
        conn.Request("GET", "/parrot.spam");
        Code("var r2 = conn.GetResponse();");
        using HttpResponse r2 = conn.GetResponse();
        Code("Console.WriteLine($\"{r2.Status} {r2.Reason}\");");
        Result(StatusLine(r2));
        Code("var data2 = r2.Read();");
        r2.Read();
        Code("conn.Close();");
        conn.Close();
    }

    private void HeadExample()
    {
        Section("Here is an example session that uses the HEAD method. Note that the HEAD method never returns any data.");
        Code($"var conn = new HttpConnection(\"127.0.0.1\", {Port}, {Timeout});");
        using var conn = new HttpConnection("127.0.0.1", _port, ConnectionTimeout);
        Code("conn.Request(\"HEAD\", \"/\");");
        conn.Request("HEAD", "/");
        Code("var res = conn.GetResponse();");
        using HttpResponse res = conn.GetResponse();
        Code("Console.WriteLine($\"{res.Status} {res.Reason}\");");
        Result(StatusLine(res));
        Code("var data = res.Read();");
        byte[] data = res.Read();
        Code("Console.WriteLine(data.Length);");
        Result(data.Length.ToString(CultureInfo.InvariantCulture));
        Code("Console.WriteLine(data.Length == 0);");
        Result((data.Length == 0).ToString());
        Code("conn.Close();");
        conn.Close();
    }

    private void PostExample()
    {
        Section("Here is an example session that shows how to POST requests:");
        var fields = new[]
        {
            new KeyValuePair<string, string>("@number", "12524"),
            new KeyValuePair<string, string>("@type", "issue"),
            new KeyValuePair<string, string>("@action", "show"),
        };
        // What Python's urllib.parse.urlencode produces for the seed's dictionary.
        string form = string.Join("&", fields.Select(field => Uri.EscapeDataString(field.Key) + "=" + Uri.EscapeDataString(field.Value)));
        Code($"var form = \"{form}\";  // urlencode({{'@number': 12524, '@type': 'issue', '@action': 'show'}})");
        Code("var headers = new Dictionary<string, string>");
        More("{");
        More("    [\"Content-type\"] = \"application/x-www-form-urlencoded\",");
        More("    [\"Accept\"] = \"text/plain\",");
        More("};");
        var headers = new Dictionary<string, string>
        {
            ["Content-type"] = "application/x-www-form-urlencoded",
            ["Accept"] = "text/plain",
        };
        Code($"var conn = new HttpConnection(\"127.0.0.1\", {Port}, {Timeout});");
        using var conn = new HttpConnection("127.0.0.1", _port, ConnectionTimeout);
        Code("conn.Request(\"POST\", \"/cgi-bin/query\", form, headers);");
        conn.Request("POST", "/cgi-bin/query", form, headers);
        Code("var response = conn.GetResponse();");
        using HttpResponse response = conn.GetResponse();
        Code("Console.WriteLine($\"{response.Status} {response.Reason}\");");
        Result(StatusLine(response));
        Code("var data = response.Read();");
        byte[] data = response.Read();
        Code("Console.WriteLine(Encoding.ASCII.GetString(data));");
        Result(Encoding.ASCII.GetString(data));
        Code("conn.Close();");
        conn.Close();
    }

    private void PutExamples()
    {
        Section("Client side HTTP PUT requests are very similar to POST requests:");
        Code("// This creates an HTTP message");
        Code("// with the content of BODY as the enclosed representation");
        Code($"// for the resource http://127.0.0.1:{Port}/file");
        Code($"const string BODY = \"{PutBody}\";");
        Code($"var conn = new HttpConnection(\"127.0.0.1\", {Port}, {Timeout});");
        using var conn = new HttpConnection("127.0.0.1", _port, ConnectionTimeout);
        Code("conn.Request(\"PUT\", \"/file\", BODY);");
        conn.Request("PUT", "/file", PutBody);
        Code("var response = conn.GetResponse();");
        HttpResponse response = conn.GetResponse();
        Code("Console.WriteLine($\"{response.Status} {response.Reason}\");");
        Result(StatusLine(response));
        Code("Console.WriteLine(Encoding.ASCII.GetString(response.Read()));  // the demo server echoes the body");
        Result(Encoding.ASCII.GetString(response.Read()));
        response.Dispose();

        Section("The same PUT step by step, on the same kept-alive connection: PutRequest / PutHeader / EndHeaders / Send.");
        byte[] body = Encoding.ASCII.GetBytes(PutBody);
        Code("conn.PutRequest(\"PUT\", \"/file\");");
        conn.PutRequest("PUT", "/file");
        Code("conn.PutHeader(\"Content-Type\", \"text/plain\");");
        conn.PutHeader("Content-Type", "text/plain");
        Code("conn.PutHeader(\"Content-Length\", BODY.Length.ToString());");
        conn.PutHeader("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture));
        Code("conn.EndHeaders();");
        conn.EndHeaders();
        Code("conn.Send(Encoding.ASCII.GetBytes(BODY));");
        conn.Send(body);
        Code("response = conn.GetResponse();");
        response = conn.GetResponse();
        Code("Console.WriteLine($\"{response.Status} {response.Reason}\");");
        Result(StatusLine(response));
        Code("Console.WriteLine(response.GetHeader(\"Content-Type\"));");
        Result(response.GetHeader("Content-Type") ?? "null");
        Code("Console.WriteLine(Encoding.ASCII.GetString(response.Read()));");
        Result(Encoding.ASCII.GetString(response.Read()));
        response.Dispose();
        Code("conn.Close();");
        conn.Close();
    }

    private async Task RunAsyncExampleAsync()
    {
        Section("Every blocking call has an async twin taking a CancellationToken:");
        Code($"var conn = new HttpConnection(\"127.0.0.1\", {Port}, {Timeout});");
        using var conn = new HttpConnection("127.0.0.1", _port, ConnectionTimeout);
        Code("await conn.RequestAsync(\"GET\", \"/parrot.spam\");");
        await conn.RequestAsync("GET", "/parrot.spam", cancellationToken: _cancellationToken).ConfigureAwait(false);
        Code("using var r3 = await conn.GetResponseAsync();");
        using HttpResponse r3 = await conn.GetResponseAsync(_cancellationToken).ConfigureAwait(false);
        Code("Console.WriteLine($\"{r3.Status} {r3.Reason}\");");
        Result(StatusLine(r3));
        Code("Console.WriteLine((await r3.ReadAsync()).Length);");
        byte[] data = await r3.ReadAsync(_cancellationToken).ConfigureAwait(false);
        Result(data.Length.ToString(CultureInfo.InvariantCulture));
        Code("conn.Close();");
        conn.Close();
    }

    private void Section(string text)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        _out.WriteLine();
        _out.WriteLine("# " + text);
    }

    private void Code(string line) => _out.WriteLine(">>> " + line);

    private void More(string line) => _out.WriteLine("... " + line);

    private void Result(string text) => _out.WriteLine(text);

    private static string StatusLine(HttpResponse response) =>
        response.Status.ToString(CultureInfo.InvariantCulture) + " " + response.Reason;

    /// <summary>Bytes as a C# string literal: printable ASCII as is, the rest escaped, like Python's bytes repr.</summary>
    internal static string Repr(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 16);
        text.Append('"');
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case >= 0x20 and < 0x7F: text.Append((char)b); break;
                default: text.Append("\\u00").Append(b.ToString("X2", CultureInfo.InvariantCulture)); break;
            }
        }

        return text.Append('"').ToString();
    }
}
