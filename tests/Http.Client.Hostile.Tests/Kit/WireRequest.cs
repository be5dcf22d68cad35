using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Http.Client.Hostile.Tests.Kit;

/// <summary>
/// An HTTP/1.1 request parsed by a strict parser written from RFC 9112 alone, independent of the library: request
/// line <c>method SP target SP HTTP/1.x CRLF</c>, field lines <c>token ":" OWS value OWS CRLF</c> (no obs-fold, no
/// bare LF), then a body framed by one Content-Length or by the chunked coding (sizes, extensions, trailers).
/// Anything else is a <see cref="FormatException"/>.
/// </summary>
public sealed class WireRequest
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private WireRequest(string method, string target, string version, List<KeyValuePair<string, string>> headers, byte[] body, List<int>? chunkSizes, byte[] raw)
    {
        Method = method;
        Target = target;
        Version = version;
        Headers = headers;
        Body = body;
        ChunkSizes = chunkSizes;
        Raw = raw;
    }

    /// <summary>The method token.</summary>
    public string Method { get; }

    /// <summary>The request target, as sent.</summary>
    public string Target { get; }

    /// <summary>"HTTP/1.1" or "HTTP/1.0".</summary>
    public string Version { get; }

    /// <summary>Field lines in wire order, names as sent, values without surrounding whitespace (Latin-1).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The body with the chunked coding removed.</summary>
    public byte[] Body { get; }

    /// <summary>The sizes of the data chunks (the last chunk excluded) when the body was chunked, else null.</summary>
    public IReadOnlyList<int>? ChunkSizes { get; }

    /// <summary>Every byte of the request as received.</summary>
    public byte[] Raw { get; }

    /// <summary>The raw body bytes after the head (still chunk-framed when chunked).</summary>
    public ReadOnlySpan<byte> RawBody => Raw.AsSpan(Raw.Length - RawBodyLength);

    private int RawBodyLength { get; init; }

    /// <summary>All values of a field (case-insensitive name), in order.</summary>
    public IEnumerable<string> Values(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>Parses one request from the start of <paramref name="wire"/>.</summary>
    public static WireRequest Parse(ReadOnlySpan<byte> wire) =>
        TryParse(wire, out WireRequest? request, out _) ? request! : throw new FormatException("incomplete request");

    /// <summary>
    /// Parses one request from the start of <paramref name="wire"/>: false when more bytes are needed; a
    /// <see cref="FormatException"/> when the bytes can never be a valid request.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> wire, out WireRequest? request, out int used)
    {
        request = null;
        used = 0;
        int headEnd = wire.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return false;
        }
        string head = Encoding.Latin1.GetString(wire.Slice(0, headEnd));
        string[] lines = head.Split("\r\n");
        if (lines.Any(l => l.Contains('\n') || l.Contains('\r')))
        {
            throw new FormatException("bare CR or LF in the head");
        }
        string[] requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || !IsToken(requestLine[0]) || requestLine[1].Length == 0 || requestLine[1].Any(c => c <= ' ' || c >= 0x7F) ||
            (requestLine[2] != "HTTP/1.1" && requestLine[2] != "HTTP/1.0"))
        {
            throw new FormatException($"bad request line '{lines[0]}'");
        }
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0 || !IsToken(line.Substring(0, colon)))
            {
                throw new FormatException($"bad field line '{line}'");
            }
            string value = line.Substring(colon + 1).Trim(' ', '\t');
            if (value.Any(c => (c < ' ' && c != '\t') || c == 0x7F))
            {
                throw new FormatException($"control character in the value of '{line.Substring(0, colon)}'");
            }
            headers.Add(new(line.Substring(0, colon), value));
        }
        int bodyStart = headEnd + 4;
        bool chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) &&
            h.Value.Split(',').Last().Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase));
        string[] lengths = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
        byte[] body;
        List<int>? sizes = null;
        int end;
        if (chunked)
        {
            if (lengths.Length > 0)
            {
                throw new FormatException("Content-Length beside Transfer-Encoding: chunked");
            }
            sizes = new List<int>();
            var decoded = new MemoryStream();
            if (!TryDechunk(wire.Slice(bodyStart), decoded, sizes, out int framed))
            {
                return false;
            }
            body = decoded.ToArray();
            end = bodyStart + framed;
        }
        else
        {
            if (lengths.Length > 1 || (lengths.Length == 1 && (lengths[0].Length == 0 || !lengths[0].All(char.IsAsciiDigit))))
            {
                throw new FormatException($"bad Content-Length [{string.Join(", ", lengths)}]");
            }
            long length = lengths.Length == 0 ? 0 : long.Parse(lengths[0], CultureInfo.InvariantCulture);
            if (wire.Length - bodyStart < length)
            {
                return false;
            }
            body = wire.Slice(bodyStart, (int)length).ToArray();
            end = bodyStart + (int)length;
        }
        used = end;
        request = new WireRequest(requestLine[0], requestLine[1], requestLine[2], headers, body, sizes, wire.Slice(0, end).ToArray())
        {
            RawBodyLength = end - bodyStart,
        };
        return true;
    }

    /// <summary>Removes the chunked coding: false when the framing is not complete yet.</summary>
    private static bool TryDechunk(ReadOnlySpan<byte> wire, MemoryStream decoded, List<int> sizes, out int framed)
    {
        framed = 0;
        int at = 0;
        while (true)
        {
            int lineEnd = wire.Slice(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return false;
            }
            string line = Encoding.Latin1.GetString(wire.Slice(at, lineEnd));
            string sizeText = line.Split(';')[0];
            if (sizeText.Length == 0 || sizeText.Length > 8 || !sizeText.All(char.IsAsciiHexDigit))
            {
                throw new FormatException($"bad chunk-size line '{line}'");
            }
            int size = int.Parse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            at += lineEnd + 2;
            if (size == 0)
            {
                break;
            }
            if (wire.Length - at < size + 2)
            {
                return false;
            }
            if (!wire.Slice(at + size, 2).SequenceEqual("\r\n"u8))
            {
                throw new FormatException("chunk data not followed by CRLF");
            }
            decoded.Write(wire.Slice(at, size));
            sizes.Add(size);
            at += size + 2;
        }
        // Trailer section: field lines up to an empty line.
        while (true)
        {
            int lineEnd = wire.Slice(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return false;
            }
            at += lineEnd + 2;
            if (lineEnd == 0)
            {
                framed = at;
                return true;
            }
        }
    }

    private static bool IsToken(string text) => text.Length > 0 && text.All(c => TokenChars.Contains(c));
}
