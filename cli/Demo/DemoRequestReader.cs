using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli.Demo;

/// <summary>One request as the demo server received it.</summary>
internal sealed record DemoRequest(string Method, string Target, string Version, List<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name)
    {
        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}

/// <summary>The client sent something the demo server will not read: answered with <see cref="Status"/>, then closed.</summary>
internal sealed class DemoBadRequestException : Exception
{
    public DemoBadRequestException(int status, string message)
        : base(message)
    {
        Status = status;
    }

    public int Status { get; }
}

/// <summary>
/// Reads HTTP/1.1 requests from a stream, one after another on the same connection, with every size bounded.
/// </summary>
internal sealed class DemoRequestReader
{
    /// <summary>Longest request or header line: generous for the demo, small enough to refuse floods early.</summary>
    internal const int MaxLineBytes = 8192;

    /// <summary>Most header lines per request, as CPython's client limit.</summary>
    internal const int MaxHeaderCount = 100;

    /// <summary>Default largest request body: the demo's bodies are tiny; anything bigger is refused with 413.</summary>
    internal const int DefaultMaxBodyBytes = 1 << 20;

    private readonly int _maxBodyBytes;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[MaxLineBytes * 2];
    private int _start;
    private int _end;

    /// <summary>Reads requests from <paramref name="stream"/>, refusing bodies over <paramref name="maxBodyBytes"/> with 413.</summary>
    public DemoRequestReader(Stream stream, int maxBodyBytes = DefaultMaxBodyBytes)
    {
        _stream = stream;
        _maxBodyBytes = maxBodyBytes;
    }

    /// <summary>The next request, or null when the client closed the connection between requests.</summary>
    public async Task<DemoRequest?> ReadRequestAsync(CancellationToken cancellationToken)
    {
        string? requestLine = await ReadLineAsync(allowEof: true, cancellationToken).ConfigureAwait(false);
        // Tolerate a stray empty line between requests (RFC 9112 section 2.2).
        if (requestLine is { Length: 0 })
        {
            requestLine = await ReadLineAsync(allowEof: true, cancellationToken).ConfigureAwait(false);
        }

        if (requestLine is null)
        {
            return null;
        }

        string[] parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new DemoBadRequestException(400, "malformed request line");
        }

        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            string line = (await ReadLineAsync(allowEof: false, cancellationToken).ConfigureAwait(false))!;
            if (line.Length == 0)
            {
                break;
            }

            if (headers.Count == MaxHeaderCount)
            {
                throw new DemoBadRequestException(431, "too many headers");
            }

            int colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new DemoBadRequestException(400, "malformed header line");
            }

            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }

        var request = new DemoRequest(parts[0], parts[1], parts[2], headers, Array.Empty<byte>());
        string? transferEncoding = request.Header("Transfer-Encoding");
        string? contentLength = request.Header("Content-Length");
        if (transferEncoding is not null)
        {
            if (!string.Equals(transferEncoding, "chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new DemoBadRequestException(501, "unsupported transfer coding");
            }

            return request with { Body = await ReadChunkedAsync(cancellationToken).ConfigureAwait(false) };
        }

        if (contentLength is not null)
        {
            if (!int.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out int length))
            {
                // All digits but no int: too large for the demo; anything else is malformed.
                bool tooLarge = contentLength.Length > 0 && contentLength.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
                throw new DemoBadRequestException(tooLarge ? 413 : 400, "bad Content-Length");
            }

            if (length > _maxBodyBytes)
            {
                throw new DemoBadRequestException(413, "body too large");
            }

            return request with { Body = await ReadExactAsync(length, cancellationToken).ConfigureAwait(false) };
        }

        return request;
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            string sizeLine = (await ReadLineAsync(allowEof: false, cancellationToken).ConfigureAwait(false))!;
            int semicolon = sizeLine.IndexOf(';');
            string sizeText = (semicolon < 0 ? sizeLine : sizeLine[..semicolon]).Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int size) || size < 0)
            {
                throw new DemoBadRequestException(400, "bad chunk size");
            }

            if (size == 0)
            {
                // Trailer section: skip its lines up to the empty one.
                for (int i = 0; i <= MaxHeaderCount; i++)
                {
                    if ((await ReadLineAsync(allowEof: false, cancellationToken).ConfigureAwait(false))!.Length == 0)
                    {
                        return body.ToArray();
                    }
                }

                throw new DemoBadRequestException(431, "too many trailers");
            }

            if (body.Length + size > _maxBodyBytes)
            {
                throw new DemoBadRequestException(413, "body too large");
            }

            byte[] chunk = await ReadExactAsync(size, cancellationToken).ConfigureAwait(false);
            body.Write(chunk);
            if ((await ReadLineAsync(allowEof: false, cancellationToken).ConfigureAwait(false))!.Length != 0)
            {
                throw new DemoBadRequestException(400, "chunk not followed by CRLF");
            }
        }
    }

    /// <summary>A line without its CR LF (ISO-8859-1); null only at a clean end of stream when allowed.</summary>
    private async Task<string?> ReadLineAsync(bool allowEof, CancellationToken cancellationToken)
    {
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                int length = newline - _start;
                if (length > 0 && _buffer[newline - 1] == '\r')
                {
                    length--;
                }

                if (length > MaxLineBytes)
                {
                    throw new DemoBadRequestException(431, "line too long");
                }

                string line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start = newline + 1;
                return line;
            }

            if (_end - _start >= MaxLineBytes)
            {
                throw new DemoBadRequestException(431, "line too long");
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (allowEof && _end == _start)
                {
                    return null;
                }

                throw new EndOfStreamException("client closed the connection mid-request");
            }
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        byte[] result = new byte[count];
        int copied = 0;
        while (copied < count)
        {
            if (_end == _start && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("client closed the connection mid-body");
            }

            int take = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }

        return result;
    }

    /// <summary>Reads more bytes behind the buffered ones; false at end of stream.</summary>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }
}
