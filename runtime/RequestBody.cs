using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace Http.Client
{
    /// <summary>
    /// A request body: bytes, text (sent as ISO-8859-1), a <see cref="Stream"/>, a <see cref="TextReader"/> or a
    /// sequence of chunks. Strings, byte arrays, memory, streams and readers convert implicitly, so
    /// <c>conn.Request("POST", "/", "text")</c> works. Bytes and text have a known length (Content-Length); streams,
    /// readers and chunk sequences are sent with <c>Transfer-Encoding: chunked</c> unless the caller gives
    /// Content-Length.
    /// </summary>
    public sealed class RequestBody
    {
        private RequestBody(RequestBodyKind kind, ReadOnlyMemory<byte> bytes, object? source)
        {
            Kind = kind;
            Bytes = bytes;
            Source = source;
        }

        internal RequestBodyKind Kind { get; }

        internal ReadOnlyMemory<byte> Bytes { get; }

        internal object? Source { get; }

        /// <summary>The length in bytes when it is known without reading (bytes and text), else null.</summary>
        public long? KnownLength => Kind switch
        {
            RequestBodyKind.Bytes => Bytes.Length,
            RequestBodyKind.Text => ((string)Source!).Length,
            _ => null,
        };

        /// <summary>A body of raw bytes (not copied: do not change the array until the request is sent).</summary>
        /// <param name="bytes">The body bytes.</param>
        public static RequestBody FromBytes(ReadOnlyMemory<byte> bytes) => new RequestBody(RequestBodyKind.Bytes, bytes, null);

        /// <summary>
        /// A text body sent as ISO-8859-1 (Latin-1), as CPython sends a <c>str</c> body. A character above U+00FF makes
        /// the request fail with <see cref="System.Text.EncoderFallbackException"/> before anything is sent.
        /// </summary>
        /// <param name="text">The body text.</param>
        public static RequestBody FromText(string text) =>
            new RequestBody(RequestBodyKind.Text, default, text ?? throw new ArgumentNullException(nameof(text)));

        /// <summary>A body read from <paramref name="stream"/> in <c>BlockSize</c> pieces until it ends.</summary>
        /// <param name="stream">A readable stream, read from its current position.</param>
        public static RequestBody FromStream(Stream stream) =>
            new RequestBody(RequestBodyKind.Stream, default, stream ?? throw new ArgumentNullException(nameof(stream)));

        /// <summary>A body read from <paramref name="reader"/> in <c>BlockSize</c>-character pieces, each sent as ISO-8859-1.</summary>
        /// <param name="reader">The text source.</param>
        public static RequestBody FromReader(TextReader reader) =>
            new RequestBody(RequestBodyKind.Reader, default, reader ?? throw new ArgumentNullException(nameof(reader)));

        /// <summary>A body sent piece by piece (one chunk each when chunked); empty pieces are skipped.</summary>
        /// <param name="chunks">The pieces, enumerated once while sending.</param>
        public static RequestBody FromChunks(IEnumerable<ReadOnlyMemory<byte>> chunks) =>
            new RequestBody(RequestBodyKind.MemoryChunks, default, chunks ?? throw new ArgumentNullException(nameof(chunks)));

        /// <inheritdoc cref="FromChunks(IEnumerable{ReadOnlyMemory{byte}})"/>
        public static RequestBody FromChunks(IEnumerable<byte[]> chunks) =>
            new RequestBody(RequestBodyKind.ArrayChunks, default, chunks ?? throw new ArgumentNullException(nameof(chunks)));

        /// <summary>A body sent piece by piece as the pieces arrive (one chunk each when chunked); empty pieces are skipped.</summary>
        /// <param name="chunks">The pieces, enumerated once while sending.</param>
        public static RequestBody FromChunks(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks) =>
            new RequestBody(RequestBodyKind.AsyncChunks, default, chunks ?? throw new ArgumentNullException(nameof(chunks)));

        /// <summary>Text sent as ISO-8859-1; null gives no body.</summary>
        /// <param name="text">The body text.</param>
        [return: NotNullIfNotNull(nameof(text))]
        public static implicit operator RequestBody?(string? text) => text is null ? null : FromText(text);

        /// <summary>Raw bytes; null gives no body.</summary>
        /// <param name="bytes">The body bytes.</param>
        [return: NotNullIfNotNull(nameof(bytes))]
        public static implicit operator RequestBody?(byte[]? bytes) => bytes is null ? null : FromBytes(bytes);

        /// <summary>Raw bytes.</summary>
        /// <param name="bytes">The body bytes.</param>
        public static implicit operator RequestBody(ReadOnlyMemory<byte> bytes) => FromBytes(bytes);

        /// <summary>A stream read to its end; null gives no body.</summary>
        /// <param name="stream">The body stream.</param>
        [return: NotNullIfNotNull(nameof(stream))]
        public static implicit operator RequestBody?(Stream? stream) => stream is null ? null : FromStream(stream);

        /// <summary>A text reader read to its end (ISO-8859-1); null gives no body.</summary>
        /// <param name="reader">The body text.</param>
        [return: NotNullIfNotNull(nameof(reader))]
        public static implicit operator RequestBody?(TextReader? reader) => reader is null ? null : FromReader(reader);

        /// <summary>A short description (used by the debug output).</summary>
        public override string ToString() => Kind switch
        {
            RequestBodyKind.Bytes => PythonRepr.Bytes(Bytes.Span),
            RequestBodyKind.Text => PythonRepr.String((string)Source!),
            // Python prints a list body as [b'a', b'b'] ("Unable to determine size of ..."); only materialized lists are
            // shown this way, so describing a body never consumes a one-shot sequence.
            RequestBodyKind.ArrayChunks when Source is IReadOnlyList<byte[]> list => PythonRepr.BytesList(list),
            _ => Source!.ToString() ?? Kind.ToString(),
        };
    }

    internal enum RequestBodyKind
    {
        Bytes,
        Text,
        Stream,
        Reader,
        MemoryChunks,
        ArrayChunks,
        AsyncChunks,
    }
}
