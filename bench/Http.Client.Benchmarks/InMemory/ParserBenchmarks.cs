using System;
using BenchmarkDotNet.Attributes;
using Http.Client.Internal;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.InMemory;

/// <summary>
/// The runtime's response-head parsing on the small workload's head (status line and 6 headers, 186 bytes), from
/// memory, without any stream: the whole head decoded in one call by ResponseHeadDecoder, the decoder GetResponse
/// runs on its receive buffer (issue 13's target: under 300 ns, nothing allocated beyond the response's own
/// HttpMessage and strings; on a keep-alive connection whose server repeats its header bytes, the strings are the
/// previous response's), and its pieces: the status line alone, and the header block through the public
/// HttpMessage.Parse.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private byte[] head = [];
    private int statusLineLength;
    private HttpMessage? previous;

    [GlobalSetup]
    public void Setup()
    {
        byte[] response = Workload.Small().Response;
        int end = response.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        head = response.AsSpan(0, end).ToArray();
        statusLineLength = head.AsSpan().IndexOf((byte)'\n') + 1;
        previous = Decode(null).Headers;
    }

    private ResponseHeadDecoder Decode(HttpMessage? previousHeaders)
    {
        var decoder = new ResponseHeadDecoder(HttpConnectionLimits.Default, tunnel: false, debug: null, previousHeaders);
        if (decoder.Decode(head, endOfStream: false, out int consumed) != HeadStatus.Done || consumed != head.Length)
        {
            throw new InvalidOperationException("the small head did not decode in one call");
        }

        return decoder;
    }

    [Benchmark(Description = "decode small head in one call, keep-alive (previous response's strings reused)")]
    public int DecodeHeadKeepAlive() => Decode(previous).Status;

    [Benchmark(Description = "decode small head in one call, first response on a connection")]
    public int DecodeHeadFirst() => Decode(null).Status;

    [Benchmark(Description = "parse status line (small)")]
    public int ParseStatusLine() => ResponseHeadDecoder.ParseStatusLine(head.AsSpan(0, statusLineLength)).Status;

    [Benchmark(Description = "parse status line + 6 header lines via HttpMessage.Parse (small)")]
    public int ParseHead()
    {
        // HttpMessage.Parse is the public face of the header-block parser GetResponse uses.
        int status = ResponseHeadDecoder.ParseStatusLine(head.AsSpan(0, statusLineLength)).Status;
        return status + HttpMessage.Parse(head.AsSpan(statusLineLength)).Count;
    }
}
