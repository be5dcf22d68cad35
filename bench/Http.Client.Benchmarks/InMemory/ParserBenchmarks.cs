using System;
using BenchmarkDotNet.Attributes;
using Http.Client.Internal;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.InMemory;

/// <summary>
/// The runtime's response-head parsing internals on the small workload's bytes, without any stream: the status
/// line, then the header block fed line by line (what GetResponse does once the bytes are buffered).
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private byte[] head = [];
    private int statusLineLength;

    [GlobalSetup]
    public void Setup()
    {
        byte[] response = Workload.Small().Response;
        int end = response.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        head = response.AsSpan(0, end).ToArray();
        statusLineLength = head.AsSpan().IndexOf((byte)'\n') + 1;
    }

    [Benchmark(Description = "parse status line (small)")]
    public int ParseStatusLine() => ResponseParser.ParseStatusLine(head.AsSpan(0, statusLineLength)).Status;

    [Benchmark(Description = "parse status line + 6 header lines (small)")]
    public int ParseHead()
    {
        int status = ResponseParser.ParseStatusLine(head.AsSpan(0, statusLineLength)).Status;
        var parser = new HeaderBlockParser(new HttpMessage());
        ReadOnlySpan<byte> rest = head.AsSpan(statusLineLength);
        while (!rest.IsEmpty)
        {
            int line = rest.IndexOf((byte)'\n') + 1;
            parser.FeedRawLine(rest[..line]);
            rest = rest[line..];
        }

        return status + parser.Finish().Count;
    }
}
