using System;
using System.Collections.Generic;
using System.Text;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>One canned response shape from issue 5's table: the exact bytes the server writes per request.</summary>
internal sealed class Workload
{
    /// <summary>Size of each chunk in the chunked workload (4 KiB, as the table says).</summary>
    public const int ChunkSize = 4096;

    /// <summary>Number of chunks in the chunked workload (16 x 4 KiB = 64 KiB).</summary>
    public const int ChunkCount = 16;

    /// <summary>Body size of the large workload (1 MiB).</summary>
    public const int LargeBodySize = 1 << 20;

    /// <summary>Total size of the small response, fixed by the issue (anchors were measured with it).</summary>
    public const int SmallResponseSize = 199;

    private Workload(string name, string description, byte[] response, int bodyLength)
    {
        Name = name;
        Description = description;
        Response = response;
        BodyLength = bodyLength;
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>The full response (head and framed body) the server sends for each request.</summary>
    public byte[] Response { get; }

    /// <summary>The decoded body length a client must read.</summary>
    public int BodyLength { get; }

    public static IReadOnlyList<Workload> All { get; } = [Small(), Chunked(), Large()];

    public static Workload Get(string name)
    {
        foreach (Workload w in All)
        {
            if (string.Equals(w.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return w;
            }
        }

        throw new ArgumentException($"unknown workload '{name}' (small, chunked, large, all)");
    }

    /// <summary>199 bytes: status line, 6 headers, 13-byte body. The Server value is padded to hit 199 exactly.</summary>
    public static Workload Small()
    {
        const string body = "Hello, world!";
        string Build(string server) =>
            "HTTP/1.1 200 OK\r\n" +
            "Server: " + server + "\r\n" +
            "Date: Sat, 28 Nov 2026 06:00:00 GMT\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\n" +
            "Content-Length: 13\r\n" +
            "Cache-Control: no-cache\r\n" +
            "Connection: keep-alive\r\n" +
            "\r\n" + body;
        string server = "canned";
        int missing = SmallResponseSize - Build(server).Length;
        if (missing < 0)
        {
            throw new InvalidOperationException("small response template exceeds 199 bytes");
        }

        server = "canned/" + new string('x', Math.Max(0, missing - 1));
        string text = Build(server);
        if (text.Length != SmallResponseSize)
        {
            throw new InvalidOperationException($"small response is {text.Length} bytes, want {SmallResponseSize}");
        }

        return new Workload("small", "199-byte response, 6 headers, 13-byte body", Encoding.ASCII.GetBytes(text), body.Length);
    }

    /// <summary>64 KiB body in 16 chunks of 4 KiB, Transfer-Encoding: chunked.</summary>
    public static Workload Chunked()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\n" +
            "Server: canned\r\n" +
            "Content-Type: application/octet-stream\r\n" +
            "Transfer-Encoding: chunked\r\n" +
            "\r\n"));
        byte[] chunkHead = Encoding.ASCII.GetBytes(ChunkSize.ToString("x") + "\r\n");
        for (int i = 0; i < ChunkCount; i++)
        {
            bytes.AddRange(chunkHead);
            for (int j = 0; j < ChunkSize; j++)
            {
                bytes.Add((byte)('a' + ((i + j) % 26)));
            }

            bytes.Add((byte)'\r');
            bytes.Add((byte)'\n');
        }

        bytes.AddRange("0\r\n\r\n"u8.ToArray());
        return new Workload("chunked", "64 KiB in 16 chunks of 4 KiB", bytes.ToArray(), ChunkSize * ChunkCount);
    }

    /// <summary>1 MiB body with Content-Length.</summary>
    public static Workload Large()
    {
        byte[] head = Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\n" +
            "Server: canned\r\n" +
            "Content-Type: application/octet-stream\r\n" +
            "Content-Length: " + LargeBodySize + "\r\n" +
            "\r\n");
        byte[] response = new byte[head.Length + LargeBodySize];
        head.CopyTo(response, 0);
        for (int i = 0; i < LargeBodySize; i++)
        {
            response[head.Length + i] = (byte)('a' + (i % 26));
        }

        return new Workload("large", "1 MiB, Content-Length", response, LargeBodySize);
    }
}
