// Handwritten halves of generated exception classes: message rules that need logic the one-line spec format cannot
// express (spec/exceptions.spec marks them `custom`), and what an exception carries beyond its message.
using System.Globalization;

namespace Http.Client
{
    public partial class IncompleteReadException
    {
        // CPython: "IncompleteRead(7 bytes read)", plus ", 3 more expected" when the expected count is known (0 included).
        private static partial string FormatMessage(byte[] partial, long? expected)
        {
            int received = partial?.Length ?? 0;
            return expected is long more
                ? string.Create(CultureInfo.InvariantCulture, $"IncompleteRead({received} bytes read, {more} more expected)")
                : string.Create(CultureInfo.InvariantCulture, $"IncompleteRead({received} bytes read)");
        }
    }

    public partial class BadStatusLineException
    {
        // CPython replaces an empty line with its repr, "''", so the message is never blank.
        private static partial string FormatMessage(string line) => string.IsNullOrEmpty(line) ? "''" : line;
    }

    public partial class TunnelConnectionException
    {
        /// <summary>The header fields of the proxy's refusal (for a 407, <c>Proxy-Authenticate</c> names the schemes it accepts).</summary>
        public HttpMessage Headers { get; internal init; } = new HttpMessage();
    }
}
