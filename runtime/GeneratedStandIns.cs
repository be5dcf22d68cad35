// STAND-IN for code the source generator will emit from spec/. It fixes the contract (names,
// constructors, properties, messages) so the handwritten runtime can compile before the generator
// exists. The generator work deletes this file once it emits these same types. Do not edit.
#pragma warning disable CS1591
using System;
using System.Diagnostics.CodeAnalysis;

namespace Http.Client
{
    public partial class HttpException : System.IO.IOException
    {
        public HttpException() : base("") { }
        public HttpException(string? message) : base(message ?? "") { }
        public HttpException(string? message, Exception? innerException) : base(message ?? "", innerException) { }
    }
    public partial class NotConnectedException : HttpException
    {
        public NotConnectedException() { }
        public NotConnectedException(string? message) : base(message) { }
        public NotConnectedException(string? message, Exception? innerException) : base(message, innerException) { }
    }
    public partial class InvalidUrlException : HttpException
    {
        public InvalidUrlException() { }
        public InvalidUrlException(string? message) : base(message) { }
        public InvalidUrlException(string? message, Exception? innerException) : base(message, innerException) { }
    }
    public partial class UnknownProtocolException : HttpException
    {
        public UnknownProtocolException(string version) : base(version) { Version = version; }
        public string Version { get; }
    }
    public partial class UnknownTransferEncodingException : HttpException
    {
        public UnknownTransferEncodingException() { }
        public UnknownTransferEncodingException(string? message) : base(message) { }
    }
    public partial class UnimplementedFileModeException : HttpException
    {
        public UnimplementedFileModeException() { }
        public UnimplementedFileModeException(string? message) : base(message) { }
    }
    public partial class IncompleteReadException : HttpException
    {
        public IncompleteReadException(byte[] partial, long? expected = null)
            : base(expected is null ? $"IncompleteRead({partial.Length} bytes read)" : $"IncompleteRead({partial.Length} bytes read, {expected} more expected)")
        { Partial = partial; Expected = expected; }
        public byte[] Partial { get; }
        public long? Expected { get; }
    }
    public partial class ImproperConnectionStateException : HttpException
    {
        public ImproperConnectionStateException() { }
        public ImproperConnectionStateException(string? message) : base(message) { }
    }
    public partial class CannotSendRequestException : ImproperConnectionStateException
    {
        public CannotSendRequestException(string state) : base(state) { State = state; }
        public string State { get; }
    }
    public partial class CannotSendHeaderException : ImproperConnectionStateException
    {
        public CannotSendHeaderException(string? state = null) : base("") { State = state; }
        public string? State { get; }
    }
    public partial class ResponseNotReadyException : ImproperConnectionStateException
    {
        public ResponseNotReadyException(string? state = null) : base(state ?? "") { State = state; }
        public string? State { get; }
    }
    public partial class BadStatusLineException : HttpException
    {
        public BadStatusLineException(string line) : base(line.Length == 0 ? "''" : line) { Line = line; }
        public string Line { get; }
    }
    public partial class RemoteDisconnectedException : BadStatusLineException
    {
        public RemoteDisconnectedException(string message) : base(message) { }
    }
    public partial class LineTooLongException : HttpException
    {
        public LineTooLongException(string lineType) : base($"got more than 65536 bytes when reading {lineType}") { LineType = lineType; }
        public string LineType { get; }
    }
}

namespace Http
{
    public static partial class HeaderNames
    {
        public const string Host = "Host";
        public const string AcceptEncoding = "Accept-Encoding";
        public const string Connection = "Connection";
        public const string ContentLength = "Content-Length";
        public const string ContentType = "Content-Type";
        public const string KeepAlive = "Keep-Alive";
        public const string ProxyConnection = "Proxy-Connection";
        public const string TransferEncoding = "Transfer-Encoding";
        public const string ProxyAuthorization = "Proxy-Authorization";

        /// Case-insensitive lookup of a header name's bytes; returns the canonical interned constant.
        public static bool TryGetKnown(ReadOnlySpan<byte> name, [NotNullWhen(true)] out string? knownName)
        {
            foreach (var candidate in new[] { Host, AcceptEncoding, Connection, ContentLength, ContentType, KeepAlive, ProxyConnection, TransferEncoding, ProxyAuthorization })
            {
                if (name.Length == candidate.Length && System.Text.Ascii.EqualsIgnoreCase(name, candidate)) { knownName = candidate; return true; }
            }
            knownName = null;
            return false;
        }
    }

    public static partial class ReasonPhrases
    {
        public static string? Get(int statusCode) => statusCode switch { 200 => "OK", 404 => "Not Found", _ => null };
    }
}
