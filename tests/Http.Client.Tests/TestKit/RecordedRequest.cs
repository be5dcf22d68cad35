using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Http.Client.Tests.TestKit;

/// <summary>
/// A request as it appeared on the wire, parsed back for assertions (CPython's _parse_request / parse_headers).
/// Header lines are split at the first colon; names and values are Latin-1 text with surrounding spaces trimmed.
/// </summary>
public sealed class RecordedRequest
{
    private RecordedRequest(string requestLine, IReadOnlyList<string> headerLines, byte[] head, byte[] body)
    {
        RequestLine = requestLine;
        HeaderLines = headerLines;
        Head = head;
        Body = body;
        Headers = headerLines.Select(line =>
        {
            int colon = line.IndexOf(':');
            return colon < 0
                ? new KeyValuePair<string, string>(line, "")
                : new KeyValuePair<string, string>(line[..colon].Trim(), line[(colon + 1)..].Trim(' ', '\t'));
        }).ToArray();
    }

    /// <summary>The request line without CRLF.</summary>
    public string RequestLine { get; }

    /// <summary>Raw header lines without CRLF (continuation lines stay separate).</summary>
    public IReadOnlyList<string> HeaderLines { get; }

    /// <summary>Header name/value pairs in wire order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The head bytes, request line to the blank line inclusive.</summary>
    public byte[] Head { get; }

    /// <summary>The raw body bytes as sent (still chunk-framed if it was).</summary>
    public byte[] Body { get; }

    /// <summary>The first value of a header (case-insensitive), or null.</summary>
    public string? Header(string name) => Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>How many header lines carry <paramref name="name"/> (case-insensitive).</summary>
    public int Count(string name) => Headers.Count(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a header with this name was sent.</summary>
    public bool Has(string name) => Count(name) > 0;

    /// <summary>The body with chunk framing removed (fails if the framing is invalid).</summary>
    public byte[] ChunkDecodedBody => Chunked.Decode(Body);

    /// <summary>Parses one request from <paramref name="wire"/>; the body is everything after the blank line.</summary>
    public static RecordedRequest Parse(byte[] wire)
    {
        int headEnd = IndexOf(wire, "\r\n\r\n"u8, 0);
        if (headEnd < 0) throw new FormatException("no end of head (CRLFCRLF) in: " + Latin1.Text(wire));
        return Build(wire, headEnd, wire[(headEnd + 4)..]);
    }

    /// <summary>
    /// Parses every request in <paramref name="wire"/> in order, framing bodies by Content-Length or chunked;
    /// a request with neither takes no body.
    /// </summary>
    public static IReadOnlyList<RecordedRequest> ParseAll(byte[] wire)
    {
        var requests = new List<RecordedRequest>();
        int offset = 0;
        while (offset < wire.Length)
        {
            int headEnd = IndexOf(wire, "\r\n\r\n"u8, offset);
            if (headEnd < 0) throw new FormatException("trailing bytes without a complete head: " + Latin1.Text(wire[offset..]));
            var probe = Build(wire[offset..], headEnd - offset, Array.Empty<byte>());
            int bodyStart = headEnd + 4;
            int bodyEnd;
            if (probe.Header("Content-Length") is { } cl)
                bodyEnd = bodyStart + int.Parse(cl, CultureInfo.InvariantCulture);
            else if (string.Equals(probe.Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
                bodyEnd = bodyStart + Chunked.FramedLength(wire.AsSpan(bodyStart));
            else
                bodyEnd = bodyStart;
            requests.Add(Build(wire[offset..], headEnd - offset, wire[bodyStart..bodyEnd]));
            offset = bodyEnd;
        }
        return requests;
    }

    private static RecordedRequest Build(byte[] wire, int headEnd, byte[] body)
    {
        string head = Latin1.Text(wire.AsSpan(0, headEnd));
        string[] lines = head.Split("\r\n");
        return new RecordedRequest(lines[0], lines[1..], wire[..(headEnd + 4)], body);
    }

    internal static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle, int start)
    {
        int i = haystack.AsSpan(start).IndexOf(needle);
        return i < 0 ? -1 : start + i;
    }

    /// <inheritdoc/>
    public override string ToString() => Latin1.Text(Head) + Latin1.Text(Body);
}

/// <summary>Chunked transfer-coding helpers for request assertions and response scripts.</summary>
public static class Chunked
{
    /// <summary>Removes strict chunk framing (hex size CRLF data CRLF ... 0 CRLF [trailers] CRLF); throws on any defect.</summary>
    public static byte[] Decode(byte[] framed)
    {
        var data = new MemoryStream();
        int used = Walk(framed, data);
        if (used != framed.Length) throw new FormatException($"{framed.Length - used} bytes after the chunked body");
        return data.ToArray();
    }

    /// <summary>Length of the complete chunked body at the start of <paramref name="wire"/>.</summary>
    public static int FramedLength(ReadOnlySpan<byte> wire) => Walk(wire.ToArray(), Stream.Null);

    /// <summary>The sizes of the data chunks in a framed body, in order (the terminating 0 excluded).</summary>
    public static IReadOnlyList<int> ChunkSizes(byte[] framed)
    {
        var sizes = new List<int>();
        Walk(framed, Stream.Null, sizes);
        return sizes;
    }

    private static int Walk(byte[] framed, Stream sink, List<int>? sizes = null)
    {
        int pos = 0;
        for (int guard = 0; guard < 1_000_000; guard++)
        {
            int lineEnd = RecordedRequest.IndexOf(framed, "\r\n"u8, pos);
            if (lineEnd < 0) throw new FormatException("chunk size line without CRLF");
            string sizeText = Latin1.Text(framed.AsSpan(pos, lineEnd - pos));
            if (sizeText.Length == 0 || !int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size))
                throw new FormatException($"bad chunk size line '{sizeText}'");
            pos = lineEnd + 2;
            if (size == 0)
            {
                // Trailers up to the blank line.
                for (int t = 0; t < 1000; t++)
                {
                    int end = RecordedRequest.IndexOf(framed, "\r\n"u8, pos);
                    if (end < 0) throw new FormatException("chunked body without final CRLF");
                    bool blank = end == pos;
                    pos = end + 2;
                    if (blank) return pos;
                }
                throw new FormatException("too many trailer lines");
            }
            sizes?.Add(size);
            if (pos + size + 2 > framed.Length) throw new FormatException("chunk data cut short");
            sink.Write(framed, pos, size);
            if (framed[pos + size] != '\r' || framed[pos + size + 1] != '\n') throw new FormatException("chunk data not followed by CRLF");
            pos += size + 2;
        }
        throw new FormatException("too many chunks");
    }
}
