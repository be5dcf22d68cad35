namespace Http.Client
{
    /// <summary>
    /// An interim (1xx) response that preceded the final one, such as <c>103 Early Hints</c> or <c>100 Continue</c>:
    /// delivered to <see cref="HttpConnection.InterimResponseReceived"/> when the caller opts in. It has no body.
    /// </summary>
    public sealed class InterimResponse
    {
        internal InterimResponse(int status, string reason, int version, HttpMessage headers)
        {
            Status = status;
            Reason = reason;
            Version = version;
            Headers = headers;
        }

        /// <summary>The status code, 100..199 (never 101, which ends the head as a final response).</summary>
        public int Status { get; }

        /// <summary>The reason phrase, stripped of surrounding whitespace (may be empty).</summary>
        public string Reason { get; }

        /// <summary>10 for HTTP/1.0 (and 0.9), 11 for HTTP/1.1 and other 1.x versions.</summary>
        public int Version { get; }

        /// <summary>The interim response's own headers in wire order (for 103, the <c>Link</c> hints); may be empty.</summary>
        public HttpMessage Headers { get; }

        /// <summary>A short description: status, reason and version.</summary>
        public override string ToString() => $"InterimResponse {Status} {Reason} (HTTP/{Version / 10}.{Version % 10})";
    }
}
