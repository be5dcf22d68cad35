using System.Collections;
using System.Collections.Generic;

namespace Http.Client
{
    /// <summary>
    /// A header block (Python's <c>http.client.HTTPMessage</c>): name/value pairs in wire order, names compared
    /// case-insensitively, repeated names kept. Names keep the case they had on the wire.
    /// </summary>
    public sealed class HttpMessage : IReadOnlyList<KeyValuePair<string, string>>
    {
        // Fields in wire order: the first _count entries of _fields. The array may be shared with the previous
        // response's message on the same connection (when the server repeated its header lines); a shared array is
        // never written: the first differing field copies it (copy-on-write).
        private KeyValuePair<string, string>[] _fields;
        private int _count;
        private bool _shared;

        /// <summary>Creates an empty message.</summary>
        public HttpMessage()
            : this(4)
        {
        }

        internal HttpMessage(int capacity)
        {
            _fields = capacity == 0 ? Array.Empty<KeyValuePair<string, string>>() : new KeyValuePair<string, string>[capacity];
        }

        /// <summary>An empty message over <paramref name="previous"/>'s array, for parsing a repeat of its fields.</summary>
        internal static HttpMessage StartingFrom(HttpMessage previous)
        {
            previous._shared = true;
            return new HttpMessage(0) { _fields = previous._fields, _shared = true };
        }

        /// <summary>True once a field was added through Add: not all fields came from the parser (valid names, stripped values) any more.</summary>
        internal bool Edited { get; private set; }

        /// <summary>The number of fields, repeats included (Python <c>len(msg)</c>).</summary>
        public int Count => _count;

        /// <summary>The field at <paramref name="index"/> in wire order.</summary>
        /// <param name="index">Zero-based position.</param>
        public KeyValuePair<string, string> this[int index] =>
            (uint)index < (uint)_count ? _fields[index] : throw new ArgumentOutOfRangeException(nameof(index));

        /// <summary>The first value of <paramref name="name"/>, or null when absent (Python <c>msg[name]</c>).</summary>
        /// <param name="name">Header name, any case.</param>
        public string? this[string name] => Get(name);

        /// <summary>The first value of <paramref name="name"/>, or <paramref name="defaultValue"/> when absent.</summary>
        /// <param name="name">Header name, any case.</param>
        /// <param name="defaultValue">Returned when the header is absent.</param>
        public string? Get(string name, string? defaultValue = null)
        {
            int index = IndexOf(name, 0);
            return index < 0 ? defaultValue : _fields[index].Value;
        }

        /// <summary>Every value of <paramref name="name"/> in wire order; empty when absent.</summary>
        /// <param name="name">Header name, any case.</param>
        public IReadOnlyList<string> GetAll(string name)
        {
            int index = IndexOf(name, 0);
            if (index < 0)
            {
                return Array.Empty<string>();
            }
            var values = new List<string>(2);
            while (index >= 0)
            {
                values.Add(_fields[index].Value);
                index = IndexOf(name, index + 1);
            }
            return values;
        }

        /// <summary>True when at least one field is named <paramref name="name"/> (Python <c>name in msg</c>).</summary>
        /// <param name="name">Header name, any case.</param>
        public bool Contains(string name) => IndexOf(name, 0) >= 0;

        /// <summary>Appends a field (names and values are kept verbatim).</summary>
        /// <param name="name">Header name.</param>
        /// <param name="value">Header value.</param>
        public void Add(string name, string value)
        {
            ArgumentNullException.ThrowIfNull(name);
            ArgumentNullException.ThrowIfNull(value);
            Edited = true;
            AddParsed(name, value);
        }

        /// <summary>
        /// Parses a header block (the bytes after a start line, up to and including the blank line) with the rules
        /// CPython's <c>http.client.parse_headers</c> applies: latin-1 text, obs-fold continuation, a line with an
        /// empty name skipped, a malformed line ending the block. No line or count limits apply here.
        /// </summary>
        /// <param name="headerBlock">Raw header bytes.</param>
        public static HttpMessage Parse(ReadOnlySpan<byte> headerBlock)
        {
            var message = new HttpMessage();
            var parser = new HeaderBlockParser(message);
            parser.FeedBlock(headerBlock);
            parser.Finish();
            return message;
        }

        /// <summary>Enumerates the fields in wire order.</summary>
        public Enumerator GetEnumerator() => new Enumerator(this);

        IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => new Enumerator(this);

        IEnumerator IEnumerable.GetEnumerator() => new Enumerator(this);

        /// <summary>The header block as text, one <c>Name: value</c> line each (CRLF line ends).</summary>
        public override string ToString()
        {
            var builder = new System.Text.StringBuilder();
            foreach (KeyValuePair<string, string> field in this)
            {
                builder.Append(field.Key).Append(": ").Append(field.Value).Append("\r\n");
            }
            return builder.ToString();
        }

        /// <summary>The value of <paramref name="name"/>, several joined with ", "; null when absent. Allocates only to join.</summary>
        internal string? GetJoined(string name)
        {
            int first = IndexOf(name, 0);
            if (first < 0)
            {
                return null;
            }
            return IndexOf(name, first + 1) < 0 ? _fields[first].Value : string.Join(", ", GetAll(name));
        }

        internal void AddParsed(string name, string value)
        {
            if (_shared)
            {
                if (_count < _fields.Length && ReferenceEquals(_fields[_count].Key, name) && ReferenceEquals(_fields[_count].Value, value))
                {
                    _count++; // the shared array already holds this very field here: nothing to write
                    return;
                }
                var own = new KeyValuePair<string, string>[Math.Max(4, Math.Max(_count * 2, _fields.Length))];
                Array.Copy(_fields, own, _count);
                _fields = own;
                _shared = false;
            }
            if (_count == _fields.Length)
            {
                Array.Resize(ref _fields, Math.Max(4, _count * 2));
            }
            _fields[_count++] = new KeyValuePair<string, string>(name, value);
        }

        private int IndexOf(string name, int start)
        {
            for (int i = start; i < _count; i++)
            {
                if (string.Equals(_fields[i].Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
            return -1;
        }
    
        /// <summary>Enumerator over the fields in wire order.</summary>
        public struct Enumerator : IEnumerator<KeyValuePair<string, string>>
        {
            private readonly HttpMessage _message;
            private int _index;

            internal Enumerator(HttpMessage message)
            {
                _message = message;
                _index = -1;
            }

            /// <summary>The current field.</summary>
            public readonly KeyValuePair<string, string> Current => _message._fields[_index];

            readonly object IEnumerator.Current => Current;

            /// <summary>Moves to the next field.</summary>
            public bool MoveNext() => ++_index < _message._count;

            /// <summary>Restarts the enumeration.</summary>
            public void Reset() => _index = -1;

            /// <summary>Nothing to release.</summary>
            public readonly void Dispose()
            {
            }
        }
    }
}
