using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Http.Client.Internal
{
    /// <summary>
    /// CPython's debug lines (<c>set_debuglevel</c> above 0), each written here and nowhere else: <c>send: b'...'</c>
    /// once per logical send (what CPython passes to <c>sock.sendall</c>, however the bytes are split into writes),
    /// <c>reply: '...'</c> for a status line, <c>header: Name: value</c> per header, and CPython's plain notes. A
    /// default (off) log does nothing and allocates nothing; a send line is built from the spans being written, never
    /// from a copy made to print them.
    /// </summary>
    internal readonly struct DebugLog
    {
        private readonly TextWriter? _output;

        /// <param name="output">Where lines go; null turns the log off.</param>
        public DebugLog(TextWriter? output) => _output = output;

        public bool IsOn => _output is not null;

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

        /// <summary><c>send: &lt;object&gt;</c>: CPython prints a file object it is given, not its bytes.</summary>
        public void Send(object source) => Line("send: ", source);

        /// <summary><c>reply: 'HTTP/1.1 200 OK\r\n'</c>: the status line as CPython's str repr of its latin-1 text.</summary>
        public void Reply(ReadOnlySpan<byte> statusLine)
        {
            if (_output is not null)
            {
                _output.WriteLine("reply: " + PythonRepr.String(Encoding.Latin1.GetString(statusLine)));
            }
        }

        /// <summary><c>header: Name: value</c> of a parsed header.</summary>
        public void Header(string name, string value)
        {
            _output?.WriteLine("header: " + name + ": " + value);
        }

        /// <summary><c>header: ...</c> of a raw header line, line ending included (CPython prints the line as read).</summary>
        public void Header(ReadOnlySpan<byte> rawLine)
        {
            _output?.WriteLine("header: " + Encoding.Latin1.GetString(rawLine));
        }

        /// <summary><c>headers: [b'...', ...]</c>: the header lines of a skipped interim response.</summary>
        public void Headers(IReadOnlyList<byte[]> rawLines)
        {
            _output?.WriteLine("headers: " + PythonRepr.BytesList(rawLines));
        }

        /// <summary>One of CPython's plain notes ("Zero length chunk ignored").</summary>
        public void Line(string text) => _output?.WriteLine(text);

        /// <summary>A note ending with a value's text ("Unable to determine size of ..."); nothing is formatted when off.</summary>
        public void Line(string text, object value)
        {
            _output?.WriteLine(text + value);
        }
    }
}
