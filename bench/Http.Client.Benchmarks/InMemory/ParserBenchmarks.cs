using System;
using BenchmarkDotNet.Attributes;
using Http.Client.Internal;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.InMemory;

/// <summary>
/// The runtime's response-head parsing on the small workload's bytes, without any stream: the status line
/// (internal ResponseHeadDecoder), then the header block (HttpMessage.Parse, the same parser GetResponse feeds).
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
    public int ParseStatusLine() => ResponseHeadDecoder.ParseStatusLine(head.AsSpan(0, statusLineLength)).Status;

    [Benchmark(Description = "parse status line + 6 header lines (small)")]
    public int ParseHead()
    {
        // HttpMessage.Parse is the public face of the same header-block parser GetResponse uses.
        int status = ResponseHeadDecoder.ParseStatusLine(head.AsSpan(0, statusLineLength)).Status;
        return status + HttpMessage.Parse(head.AsSpan(statusLineLength)).Count;
    }
}
