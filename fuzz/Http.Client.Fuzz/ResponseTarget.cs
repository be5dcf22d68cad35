using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Fuzz;

/// <summary>
/// The fuzz target: arbitrary bytes as a server's reply, delivered in read splits taken from the input, through
/// <see cref="HttpConnection.GetResponse"/> and one of the response's read APIs (sync or async). The reply is run
/// twice, in the input's splits and whole, and both runs must give the same outcome.
/// <para>
/// Input layout (missing bytes count as 0): <c>[api] [flags] [amount] [split count] [split sizes...] [reply...]</c>.
/// <c>api</c> picks the read API (<see cref="ApiCount"/> of them); <c>flags</c>: bit 0 async, bit 1 HEAD,
/// bit 2 a second request on the same connection, bit 3 dispose the first response unread, bit 4 tight
/// <see cref="HttpConnection.Limits"/> (<see cref="TightLimits"/>, so short inputs reach every limit), bit 5 a
/// <c>CONNECT</c> tunnel (the reply starts with the proxy's answer); <c>amount</c> + 1 is the
/// size argument of the sized reads (Read(n), ReadLine(limit), Read1(n), the Stream buffer); up to 16 split sizes
/// (0 counts as 1) cycle over the reply's reads; no split table means "as much as the client asks for".
/// </para>
/// A finding (anything but a response or a documented exception, a broken read contract, runaway allocation, a
/// different outcome in splits than whole) throws <see cref="FuzzFindingException"/>.
/// </summary>
public static class ResponseTarget
{
    /// <summary>The read APIs the first byte chooses from.</summary>
    public const int ApiCount = 10;

    /// <summary>Bytes of fixed header before the split table.</summary>
    public const int HeaderLength = 4;

    /// <summary>The largest split table.</summary>
    public const int MaxSplits = 16;

    /// <summary>
    /// Allocation allowed for one exchange beyond <see cref="AllocationPerReplyByte"/> per reply byte: the
    /// connection's receive buffer, headers, a few result arrays. A reply declaring a huge length must not
    /// allocate from the declaration (CVE-2025-13836).
    /// </summary>
    public const long AllocationBase = 4 * 1024 * 1024;

    /// <summary>The most one <c>Peek()</c> may return (and copy): CPython's peek shows at most its 8 KiB read buffer.</summary>
    public const int PeekCopyBound = 8192;

    [ThreadStatic]
    private static long _peekAllowance; // allocation allowed for the Peek() copies of the exchange running on this thread

    /// <summary>Allocation allowed per reply byte (result arrays growing by doubling, header strings, copies).</summary>
    public const long AllocationPerReplyByte = 64;

    /// <summary>Limits small enough for a short input to cross each of them (flag bit 4).</summary>
    public static HttpConnectionLimits TightLimits() => new()
    {
        MaxLineLength = 40,
        MaxHeaders = 4,
        MaxHeaderBytes = 64,
        MaxInterimResponses = 1,
        MaxTrailerLines = 2,
        MaxTrailerBytes = 24,
        MaxChunkExtensionBytes = 4,
    };

    private static readonly string[] ApiNames =
    {
        "Read()", "Read(n)", "ReadLine(n)", "ReadLine()", "Peek()+Read1(n)", "Read1()", "Stream.Read(Span)",
        "Stream.Read(byte[])", "CopyTo", "mixed",
    };

    /// <summary>Decoded form of one input.</summary>
    public readonly record struct Case(int Api, bool Async, bool Head, bool SecondRequest, bool DisposeFirstUnread, bool Tight, bool Tunnel, int Amount, int[] Splits, ReadOnlyMemory<byte> Reply)
    {
        /// <summary>A one-line description for reports.</summary>
        public override string ToString() =>
            $"api {ApiNames[Api]}, {(Async ? "async" : "sync")}, {(Head ? "HEAD" : "GET")}, second request {SecondRequest}, " +
            $"dispose unread {DisposeFirstUnread}, {(Tight ? "tight" : "default")} limits, tunnel {Tunnel}, amount {Amount}, splits [{string.Join(",", Splits)}], reply {Reply.Length} bytes";
    }

    /// <summary>Splits an input into the case it encodes.</summary>
    public static Case Decode(ReadOnlyMemory<byte> input)
    {
        byte[] head = new byte[HeaderLength + MaxSplits];
        input.Span.Slice(0, Math.Min(input.Length, head.Length)).CopyTo(head);
        byte At(int i) => head[i];
        int api = At(0) % ApiCount;
        byte flags = At(1);
        int amount = At(2) + 1;
        int splitCount = At(3) % (MaxSplits + 1);
        var splits = new int[splitCount];
        for (int i = 0; i < splitCount; i++)
        {
            splits[i] = Math.Max(1, (int)At(HeaderLength + i));
        }
        int replyStart = Math.Min(input.Length, HeaderLength + splitCount);
        return new Case(api, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0, (flags & 16) != 0, (flags & 32) != 0, amount, splits, input.Slice(replyStart));
    }

    /// <summary>Encodes a case (used to write seed and regression inputs).</summary>
    public static byte[] Encode(int api, byte flags, int amount, ReadOnlySpan<byte> splits, ReadOnlySpan<byte> reply)
    {
        var bytes = new byte[HeaderLength + splits.Length + reply.Length];
        bytes[0] = (byte)api;
        bytes[1] = flags;
        bytes[2] = (byte)(amount - 1);
        bytes[3] = (byte)splits.Length;
        splits.CopyTo(bytes.AsSpan(HeaderLength));
        reply.CopyTo(bytes.AsSpan(HeaderLength + splits.Length));
        return bytes;
    }

    /// <summary>Runs one input; returns the outcome, or throws <see cref="FuzzFindingException"/>.</summary>
    public static string Run(ReadOnlyMemory<byte> input)
    {
        Case c = Decode(input);
        string split = Measure(c, c.Splits);
        string whole = Measure(c, Array.Empty<int>());
        if (split != whole)
        {
            throw new FuzzFindingException($"outcome depends on the read splits ({c})\n  in splits: {split}\n  whole:     {whole}");
        }
        return split;
    }

    /// <summary>
    /// Runs one input on its own thread (the fuzzer's in-process hang detection): null when it passes, else the
    /// finding, a hang included.
    /// </summary>
    public static string? RunBounded(byte[] input, TimeSpan bound)
    {
        string? finding = null;
        var thread = new Thread(() =>
        {
            try
            {
                Run(input);
            }
            catch (Exception e)
            {
                finding = e.ToString();
            }
        }, 16 * 1024 * 1024) { IsBackground = true, Name = "fuzz input" };
        thread.Start();
        return thread.Join(bound) ? finding : $"hang: no result within {bound.TotalSeconds} s ({Decode(input)})";
    }

    /// <summary>Runs one exchange and checks what it allocated on this thread (all I/O completes synchronously).</summary>
    private static string Measure(Case c, int[] splits)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        _peekAllowance = 0;
        string outcome = Exchange(c, splits).GetAwaiter().GetResult();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long bound = AllocationBase + AllocationPerReplyByte * c.Reply.Length + _peekAllowance;
        if (allocated > bound)
        {
            throw new FuzzFindingException($"allocated {allocated} bytes (bound {bound}) for a {c.Reply.Length}-byte reply ({c})");
        }
        return outcome;
    }

    private static async Task<string> Exchange(Case c, int[] splits)
    {
        var outcome = new StringBuilder();
        int connects = 0;
        using var conn = new HttpConnection("fuzz.invalid", 80);
        if (c.Tight)
        {
            conn.Limits = TightLimits();
        }
        if (c.Tunnel)
        {
            conn.SetTunnel("destination.invalid", 443);
        }
        conn.ConnectCallback = (endPoint, token) =>
        {
            // The first transport serves the reply; a reconnect (after a close) meets a server that hangs up at once.
            connects++;
            if (connects > 3)
            {
                throw new FuzzFindingException($"opened {connects} transports for two requests ({c})");
            }
            return new ValueTask<Stream>(new SplitReplyStream(connects == 1 ? c.Reply : ReadOnlyMemory<byte>.Empty, splits));
        };
        int requests = c.SecondRequest ? 2 : 1;
        for (int request = 0; request < requests; request++)
        {
            outcome.Append('#').Append(request).Append(' ');
            try
            {
                string method = c.Head ? "HEAD" : "GET";
                if (c.Async)
                {
                    await conn.RequestAsync(method, "/");
                }
                else
                {
                    conn.Request(method, "/");
                }
                using HttpResponse response = c.Async ? await conn.GetResponseAsync() : conn.GetResponse();
                DescribeHead(response, outcome);
                CheckFraming(c, response);
                if (request == 0 && c.DisposeFirstUnread)
                {
                    continue;
                }
                await ReadBody(c, response, outcome);
            }
            catch (Exception e) when (e is not FuzzFindingException)
            {
                CheckDocumented(e, c);
                outcome.Append(" ! ").Append(e.GetType().Name).Append(": ").Append(e.Message);
            }
            outcome.Append('\n');
        }
        return outcome.ToString();
    }

    private static void DescribeHead(HttpResponse response, StringBuilder outcome)
    {
        if (response.Status < 100 || response.Status > 999)
        {
            throw new FuzzFindingException($"status {response.Status} outside 100..999");
        }
        outcome.Append(response.Status).Append(' ').Append(response.Reason).Append(" v").Append(response.Version)
            .Append(response.WillClose ? " close" : " keep");
        ulong hash = Fnv.Start;
        foreach (KeyValuePair<string, string> header in response.GetHeaders())
        {
            hash = Fnv.Add(hash, header.Key);
            hash = Fnv.Add(hash, header.Value);
        }
        outcome.Append(" headers ").Append(response.GetHeaders().Count).Append('/').Append(hash.ToString("x16"));
    }

    /// <summary>Reads the body to its end with the case's API, checking each read's contract.</summary>
    private static async Task ReadBody(Case c, HttpResponse response, StringBuilder outcome)
    {
        ulong hash = Fnv.Start;
        long length = 0;
        int maxTurns = c.Reply.Length + 8;
        var buffer = new byte[c.Amount];
        bool ended = false;
        for (int turn = 0; !ended; turn++)
        {
            if (turn > maxTurns)
            {
                throw new FuzzFindingException($"body reads did not end after {turn} reads ({c})");
            }
            int api = c.Api == ApiCount - 1 ? turn % (ApiCount - 1) : c.Api;
            ReadOnlyMemory<byte> got = await ReadOnce(api, c, response, buffer);
            hash = Fnv.Add(hash, got.Span);
            length += got.Length;
            ended = got.Length == 0;
        }
        // HEAD, 1xx, 204 and 304 have no body, whatever their header fields (RFC 9112 section 6.3; fuzz/README.md,
        // finding 1).
        bool bodiless = c.Head || response.Status < 200 || response.Status == 204 || response.Status == 304;
        if (length > 0 && bodiless)
        {
            throw new FuzzFindingException($"a {(c.Head ? "HEAD" : response.Status.ToString())} response returned {length} body bytes ({c})");
        }
        // Once the body is done, every read API keeps returning nothing.
        for (int api = 0; api < ApiCount - 1; api++)
        {
            ReadOnlyMemory<byte> again = await ReadOnce(api, c, response, buffer);
            if (again.Length != 0)
            {
                throw new FuzzFindingException($"{ApiNames[api]} returned {again.Length} bytes after the body ended ({c})");
            }
        }
        outcome.Append(" body ").Append(length).Append('/').Append(hash.ToString("x16"));
    }

    /// <summary>One read with one API; empty means the body is done.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadOnce(int api, Case c, HttpResponse r, byte[] buffer)
    {
        bool a = c.Async;
        int n = c.Amount;
        switch (api)
        {
            case 0:
                return a ? await r.ReadAsync() : r.Read();
            case 1:
                return AtMost(a ? await r.ReadAsync(n) : r.Read(n), n, "Read(n)");
            case 2:
                return AtMost(a ? await r.ReadLineAsync(n) : r.ReadLine(n), n, "ReadLine(n)");
            case 3:
                return a ? await r.ReadLineAsync() : r.ReadLine();
            case 4:
            {
                byte[] peeked = a ? await r.PeekAsync() : r.Peek();
                // Each Peek copies up to CPython's 8 KiB read buffer, whatever the caller then reads.
                _peekAllowance += PeekCopyBound;
                if (peeked.Length > PeekCopyBound)
                {
                    throw new FuzzFindingException($"Peek() returned {peeked.Length} bytes, more than CPython's {PeekCopyBound}-byte buffer ({c})");
                }
                byte[] next = AtMost(a ? await r.Read1Async(n) : r.Read1(n), n, "Read1(n)");
                // Peek shows what the next read returns (Read1 takes at most n of it).
                int common = Math.Min(peeked.Length, next.Length);
                if (!peeked.AsSpan(0, common).SequenceEqual(next.AsSpan(0, common)))
                {
                    throw new FuzzFindingException($"Peek() showed bytes the next Read1 did not return ({c})");
                }
                return next;
            }
            case 5:
                return a ? await r.Read1Async() : r.Read1();
            case 6:
            {
                int got = a ? await r.ReadAsync(buffer.AsMemory()) : r.Read(buffer.AsSpan());
                return buffer.AsMemory(0, AtMost(got, buffer.Length, "Stream.Read(Span)"));
            }
            case 7:
            {
                int got = a ? await r.ReadAsync(buffer, 0, buffer.Length) : r.Read(buffer, 0, buffer.Length);
                return buffer.AsMemory(0, AtMost(got, buffer.Length, "Stream.Read(byte[])"));
            }
            default:
            {
                var sink = new MemoryStream();
                if (a)
                {
                    await r.CopyToAsync(sink, n);
                }
                else
                {
                    r.CopyTo(sink, n);
                }
                return sink.GetBuffer().AsMemory(0, (int)sink.Length);
            }
        }
    }

    /// <summary>
    /// Framing rules a lenient parser gets wrong (issue 14's strictness; RFC 9112 sections 2.2, 6.3): no bare CR
    /// survives into the reason or a field, Content-Length fields that disagree are an error, and a response framed
    /// by chunked beside a Content-Length never leaves the connection for reuse.
    /// </summary>
    private static void CheckFraming(Case c, HttpResponse response)
    {
        if (HasBareCr(response.Reason) || response.GetHeaders().Any(h => h.Key.Contains('\r') || HasBareCr(h.Value)))
        {
            throw new FuzzFindingException($"a bare CR reached the reason or a header field ({c})");
        }
        // Compared as decimal values: "03" and "3" are the same length (RFC 9110 section 8.6 allows identical values).
        string[] lengths = response.Headers.GetAll("Content-Length").Select(v => DecimalDigits(v.Trim(' ', '\t'))).Distinct(StringComparer.Ordinal).ToArray();
        bool chunked = IsChunked(response);
        // HEAD, 1xx, 204 and 304 end at the blank line whatever their fields say (RFC 9112 section 6.3 rule 1): their
        // Content-Length frames nothing, so disagreeing values there are not a framing choice.
        bool hasBody = !c.Head && response.Status >= 200 && response.Status != 204 && response.Status != 304;
        if (lengths.Length > 1 && !chunked && hasBody)
        {
            throw new FuzzFindingException($"a response with Content-Length values {string.Join(", ", lengths)} was accepted ({c})");
        }
        if (lengths.Length > 0 && chunked && hasBody && !response.WillClose)
        {
            throw new FuzzFindingException($"Content-Length beside Transfer-Encoding: chunked kept the connection for reuse ({c})");
        }
    }

    /// <summary>A CR not followed by LF (a folded value keeps its CRLF).</summary>
    private static bool HasBareCr(string text)
    {
        for (int i = text.IndexOf('\r'); i >= 0; i = text.IndexOf('\r', i + 1))
        {
            if (i + 1 == text.Length || text[i + 1] != '\n')
            {
                return true;
            }
        }
        return false;
    }

    private static string DecimalDigits(string value)
    {
        string trimmed = value.TrimStart('0');
        return trimmed.Length == 0 && value.Length > 0 ? "0" : trimmed;
    }

    /// <summary>Framed as chunked: the first Transfer-Encoding field decides, as CPython's <c>headers.get</c>.</summary>
    private static bool IsChunked(HttpResponse response) =>
        string.Equals(response.Headers.GetAll("Transfer-Encoding").FirstOrDefault()?.Trim(' ', '\t'), "chunked", StringComparison.OrdinalIgnoreCase);

    private static byte[] AtMost(byte[] got, int limit, string api) =>
        got.Length <= limit ? got : throw new FuzzFindingException($"{api} with n={limit} returned {got.Length} bytes");

    private static int AtMost(int got, int limit, string api) =>
        got >= 0 && got <= limit ? got : throw new FuzzFindingException($"{api} into {limit} bytes returned {got}");

    /// <summary>
    /// The documented failures (docs/usage.md "Errors"): an <see cref="HttpException"/> (an <see cref="IOException"/>) or
    /// another <see cref="IOException"/>, with a message. An in-memory transport never times out or cancels.
    /// </summary>
    private static void CheckDocumented(Exception e, Case c)
    {
        if (e is not IOException)
        {
            throw new FuzzFindingException($"undocumented exception {e.GetType().FullName}: {e.Message} ({c})", e);
        }
        if (string.IsNullOrEmpty(e.Message))
        {
            throw new FuzzFindingException($"{e.GetType().Name} without a message ({c})", e);
        }
    }

    /// <summary>FNV-1a, 64 bit: a cheap fingerprint of body and header bytes for comparing outcomes.</summary>
    private static class Fnv
    {
        public const ulong Start = 14695981039346656037UL;

        public static ulong Add(ulong hash, ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes)
            {
                hash = (hash ^ b) * 1099511628211UL;
            }
            return hash;
        }

        public static ulong Add(ulong hash, string text)
        {
            foreach (char ch in text)
            {
                hash = (hash ^ ch) * 1099511628211UL;
            }
            return (hash ^ 0xFF) * 1099511628211UL;
        }
    }
}

/// <summary>A fuzz finding: the library did something no reply should make it do.</summary>
public sealed class FuzzFindingException : Exception
{
    /// <summary>A finding described by <paramref name="message"/>.</summary>
    public FuzzFindingException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
