namespace Http.Client
{
    /// <summary>
    /// Bounds on what a server may send in a response head, a chunked body's framing and a CONNECT reply
    /// (<see cref="HttpConnection.Limits"/>). The defaults are CPython's: 65,536-byte lines and 100 header lines
    /// (the blank line included), 100 interim responses and 100 trailer lines. Exceeding a bound raises the
    /// exception CPython raises for that case: <see cref="LineTooLongException"/> for a line, <see cref="HttpException"/>
    /// for a count. A change applies to the next response read.
    /// </summary>
    public sealed class HttpConnectionLimits
    {
        /// <summary>CPython's <c>_MAXLINE</c>.</summary>
        public const int DefaultMaxLineLength = 65536;

        /// <summary>CPython's <c>_MAXHEADERS</c>.</summary>
        public const int DefaultMaxHeaders = 100;

        /// <summary>What 100 lines of 65,536 bytes allow: no bound beyond the line limits by default.</summary>
        public const int DefaultMaxHeaderBytes = DefaultMaxHeaders * DefaultMaxLineLength;

        /// <summary>CPython's bound on <c>100 Continue</c> responses before the final one (gh-150743).</summary>
        public const int DefaultMaxInterimResponses = 100;

        /// <summary>CPython's bound on trailer lines after the last chunk (gh-150743).</summary>
        public const int DefaultMaxTrailerLines = 100;

        /// <summary>The trailer section's byte bound: one maximal line.</summary>
        public const int DefaultMaxTrailerBytes = DefaultMaxLineLength;

        /// <summary>A chunk-size line's extensions may fill the line.</summary>
        public const int DefaultMaxChunkExtensionBytes = DefaultMaxLineLength;

        /// <summary>The defaults, shared (read-only use only: never modified by the library).</summary>
        internal static HttpConnectionLimits Default { get; } = new HttpConnectionLimits();

        /// <summary>
        /// Longest status, header, chunk-size or trailer line, its line ending included
        /// (<see cref="LineTooLongException"/> beyond it). At least 16.
        /// </summary>
        public int MaxLineLength { get; set => field = AtLeast(value, 16); } = DefaultMaxLineLength;

        /// <summary>
        /// Most lines in one header block, counting the blank line that ends it, as CPython counts
        /// (<see cref="HttpException"/> "got more than N headers"). At least 1.
        /// </summary>
        public int MaxHeaders { get; set => field = AtLeast(value, 1); } = DefaultMaxHeaders;

        /// <summary>Most bytes in one header block, line endings included (<see cref="HttpException"/>). At least 1.</summary>
        public int MaxHeaderBytes { get; set => field = AtLeast(value, 1); } = DefaultMaxHeaderBytes;

        /// <summary>
        /// Most <c>100 Continue</c> responses skipped before the final one (<see cref="HttpException"/> "got more than N
        /// interim responses"). At least 0.
        /// </summary>
        public int MaxInterimResponses { get; set => field = AtLeast(value, 0); } = DefaultMaxInterimResponses;

        /// <summary>
        /// Most trailer lines after the last chunk, the blank line not counted (<see cref="HttpException"/> "got more
        /// than N trailer lines"). At least 0.
        /// </summary>
        public int MaxTrailerLines { get; set => field = AtLeast(value, 0); } = DefaultMaxTrailerLines;

        /// <summary>Most bytes of trailer lines after the last chunk (<see cref="HttpException"/>). At least 0.</summary>
        public int MaxTrailerBytes { get; set => field = AtLeast(value, 0); } = DefaultMaxTrailerBytes;

        /// <summary>
        /// Most bytes of <c>;extensions</c> on one chunk-size line (<see cref="LineTooLongException"/> "chunk size"
        /// beyond it, as for a long line). At least 0.
        /// </summary>
        public int MaxChunkExtensionBytes { get; set => field = AtLeast(value, 0); } = DefaultMaxChunkExtensionBytes;

        /// <summary>
        /// When true, <see cref="HttpConnection.Timeout"/> bounds the whole response head (status line, interim
        /// responses and headers) from the first read of <c>GetResponse</c>, so a server sending one byte at a time
        /// cannot hold the caller longer than the timeout. False (the default, CPython's behaviour): the timeout
        /// bounds each read.
        /// </summary>
        public bool TimeoutBoundsWholeHead { get; set; }

        /// <summary>CPython's "got more than N ..." error for a count beyond its bound (inlined: the check runs per line).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        internal static void Check(int count, int max, string what)
        {
            if (count > max)
            {
                ThrowOver(max, what);
            }
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private static void ThrowOver(int max, string what) => throw new HttpException($"got more than {max} {what}");

        private static int AtLeast(int value, int minimum, [System.Runtime.CompilerServices.CallerMemberName] string name = "") =>
            value >= minimum ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least {minimum}.");
    }
}
