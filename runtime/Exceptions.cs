// Handwritten halves of generated exception classes (spec/exceptions.spec marks them `custom`): the message
// rules below need logic the one-line spec format cannot express.
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
}
