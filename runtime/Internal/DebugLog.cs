using System.Text;

namespace Http.Client.Internal
{
    /// <summary>
    /// CPython's debug lines of the send side (<c>set_debuglevel</c> above 0): <c>send: b'...'</c> once per logical send
    /// (what CPython passes to <c>sock.sendall</c>, however the bytes are split into writes) and CPython's plain notes.
    /// The reply side's <c>reply:</c> / <c>header:</c> lines come from <see cref="ResponseHeadDecoder"/> as it parses. An
    /// off log allocates nothing; a send line is built from the spans being written, never from a copy made to print them.
    /// </summary>
    internal readonly struct DebugLog
    {
        private readonly TextWriter? _output;

        /// <param name="output">Where lines go; null turns the log off.</param>
        public DebugLog(TextWriter? output) => _output = output;

        /// <summary><c>send: b'...'</c> of <paramref name="framing"/>, <paramref name="data"/> and <paramref name="trailer"/> as one byte string.</summary>
        public void Send(ReadOnlySpan<byte> framing, ReadOnlySpan<byte> data = default, ReadOnlySpan<byte> trailer = default)
        {
            if (_output is not null)
            {
                var line = new StringBuilder(framing.Length + data.Length + trailer.Length + 9);
                PythonRepr.AppendBytes(line.Append("send: "), framing, data, trailer);
                _output.WriteLine(line);
            }
        }

        /// <summary>One of CPython's plain notes ("Zero length chunk ignored").</summary>
        public void Line(string text) => _output?.WriteLine(text);

        /// <summary>A note ending with a value's text ("Unable to determine size of ..."); nothing is formatted when off.</summary>
        public void Line(string text, object value) => _output?.WriteLine(text + value);
    }
}
