using System;
using System.IO;
using System.IO.Compression;

namespace Http.Client.Cli;

/// <summary>
/// <c>--compressed</c>: the Accept-Encoding httpc sends and the decoders for the Content-Encoding that comes back,
/// all .NET's own streams (gzip: <see cref="GZipStream"/>; deflate: <see cref="ZLibStream"/>, the zlib-wrapped
/// format RFC 9110 names and curl decodes; br: <see cref="BrotliStream"/>).
/// </summary>
internal static class ContentDecoding
{
    /// <summary>What <c>--compressed</c> asks for, as curl does.</summary>
    public const string AcceptEncoding = "gzip, deflate, br";

    /// <summary>More codings than this on one body is an attack, not a server (curl's limit too).</summary>
    private const int MaxCodings = 5;

    /// <summary>
    /// Wraps <paramref name="body"/> in the decoders that undo <paramref name="contentEncoding"/> (a comma-separated
    /// list, applied by the server in order, so undone from the last). No header or <c>identity</c> leaves the body
    /// as it is. An unknown coding is a <see cref="CliFailure"/> (protocol error): writing bytes nobody can read
    /// as if they were the body would be worse.
    /// </summary>
    public static Stream Decode(Stream body, string? contentEncoding)
    {
        if (string.IsNullOrWhiteSpace(contentEncoding))
        {
            return body;
        }

        string[] codings = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (codings.Length > MaxCodings)
        {
            throw new CliFailure(ExitCodes.ProtocolError, $"the response has {codings.Length} content codings ('{contentEncoding}'); at most {MaxCodings} are decoded");
        }

        Stream decoded = body;
        for (int i = codings.Length - 1; i >= 0; i--)
        {
            decoded = codings[i].ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new GZipStream(decoded, CompressionMode.Decompress),
                "deflate" => new ZLibStream(decoded, CompressionMode.Decompress),
                "br" => new BrotliStream(decoded, CompressionMode.Decompress),
                "identity" => decoded,
                _ => throw new CliFailure(ExitCodes.ProtocolError, $"the response's Content-Encoding '{codings[i]}' is not one httpc decodes (gzip, deflate, br)"),
            };
        }

        return decoded;
    }
}
