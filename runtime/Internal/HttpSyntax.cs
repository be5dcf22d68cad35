using System.Buffers;
using System.Globalization;
using System.Text;

namespace Http.Client.Internal
{
    /// <summary>
    /// The request-side validation rules of CPython's http.client (method, URL, host, header names and values) and
    /// the encodings it applies, with CPython's exact messages.
    /// </summary>
    internal static class HttpSyntax
    {
        /// <summary>Rejects control characters (C0 and DEL; CPython: C0) in a method (ValueError, here ArgumentException).</summary>
        public static void ValidateMethod(string method)
        {
            int bad = method.AsSpan().IndexOfAny(Controls);
            if (bad >= 0)
            {
                throw new ArgumentException(ControlCharacterMessage("method", method, bad));
            }
        }

        /// <summary>Rejects C0 controls, space and DEL in a URL or host (CVE-2019-9740, CVE-2019-18348).</summary>
        public static void ValidateUrlCharacters(string value)
        {
            int bad = value.AsSpan().IndexOfAny(ControlsAndSpace);
            if (bad >= 0)
            {
                throw new InvalidUrlException(ControlCharacterMessage("URL", value, bad));
            }
        }

        private static readonly SearchValues<char> Controls = SearchValues.Create(
            "\0\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f");

        private static readonly SearchValues<char> ControlsAndSpace = SearchValues.Create(
            "\0\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f \x7f");

        private static string ControlCharacterMessage(string what, string value, int bad) =>
            $"{what} can't contain control characters. {PythonRepr.String(value)} (found at least {PythonRepr.String(value[bad].ToString())})";

        /// <summary>
        /// CPython's <c>_get_hostport</c>: splits "host:port" and "[v6]:port". The port must be ASCII digits (CPython's
        /// int() also takes signs, spaces and underscores; see the readme's differences) and within 0..65535.
        /// </summary>
        public static (string Host, int Port) SplitHostPort(string host, int? port, int defaultPort)
        {
            if (port is int explicitPort)
            {
                ValidatePortRange(explicitPort);
                return (StripBrackets(host), explicitPort);
            }
            int colon = host.LastIndexOf(':');
            int bracket = host.LastIndexOf(']');
            int parsedPort = defaultPort;
            if (colon > bracket)
            {
                string portText = host.Substring(colon + 1);
                if (portText.Length > 0)
                {
                    parsedPort = ParsePort(portText);
                }
                host = host.Substring(0, colon);
            }
            return (StripBrackets(host), parsedPort);
        }

        private static string StripBrackets(string host) =>
            host.Length >= 2 && host[0] == '[' && host[host.Length - 1] == ']' ? host.Substring(1, host.Length - 2) : host;

        private static int ParsePort(string text)
        {
            long value = 0;
            foreach (char c in text)
            {
                if (c < '0' || c > '9')
                {
                    throw new InvalidUrlException($"nonnumeric port: '{text}'");
                }
                value = Math.Min(value * 10 + (c - '0'), int.MaxValue);
            }
            ValidatePortRange(value);
            return (int)value;
        }

        private static void ValidatePortRange(long port)
        {
            if (port < 0 || port > 65535)
            {
                throw new InvalidUrlException($"port out of range: {port} (must be 0-65535)");
            }
        }

        /// <summary>
        /// CPython's <c>_is_legal_header_name</c> (<c>[^:\s][^:\r\n]*</c> as a full match on the bytes), stricter as RFC 9110
        /// section 5.5 asks: no control character anywhere (docs/differences.md #30).
        /// </summary>
        public static bool IsLegalHeaderName(ReadOnlySpan<byte> name) =>
            !name.IsEmpty && name[0] != ' ' && name.IndexOfAny(ColonAndControls) < 0;

        /// <summary>
        /// CPython's <c>_is_illegal_header_value</c> (<c>\n(?![ \t])|\r(?![ \t\n])</c>: CR and LF only as part of a fold),
        /// plus RFC 9110 section 5.5: no other control character than HTAB (docs/differences.md #30).
        /// </summary>
        public static bool IsIllegalHeaderValue(ReadOnlySpan<byte> value)
        {
            if (value.IndexOfAny(ControlsButTabAndLineEnds) >= 0)
            {
                return true;
            }
            int index;
            while ((index = value.IndexOfAny((byte)'\r', (byte)'\n')) >= 0)
            {
                byte next = index + 1 < value.Length ? value[index + 1] : (byte)0;
                bool allowed = next == ' ' || next == '\t' || (value[index] == '\r' && next == '\n');
                if (!allowed)
                {
                    return true;
                }
                value = value.Slice(index + 1);
            }
            return false;
        }

        private static readonly SearchValues<byte> ColonAndControls = SearchValues.Create(
            [(byte)':', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 0x7f]);

        private static readonly SearchValues<byte> ControlsButTabAndLineEnds = SearchValues.Create(
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 0x7f]);

        /// <summary>Python's str.encode('ascii') failure, as an <see cref="EncoderFallbackException"/>.</summary>
        public static EncoderFallbackException AsciiError(string text, int position, string? context = null) =>
            CodecError("ascii", 128, text, position, context);

        /// <summary>Python's str.encode('latin-1') failure, as an <see cref="EncoderFallbackException"/>.</summary>
        public static EncoderFallbackException Latin1Error(string text, int position, string? context = null) =>
            CodecError("latin-1", 256, text, position, context);

        private static EncoderFallbackException CodecError(string codec, int range, string text, int position, string? context) =>
            new EncoderFallbackException($"'{codec}' codec can't encode {UnencodableRun(text, position, range, out _)}: ordinal not in range({range})"
                + (context is null ? "" : " " + context));

        // Python names the whole run of characters at or above range that starts at position ("character 'é' in
        // position 3", "characters in position 3-5"); end is where the run stops.
        private static string UnencodableRun(string text, int position, int range, out int end)
        {
            end = position;
            while (end < text.Length && text[end] >= range)
            {
                end++;
            }
            return end - position == 1 || (end - position == 2 && char.IsSurrogatePair(text[position], text[position + 1]))
                ? $"character {PythonRepr.CodecCharacter(text, position)} in position {position}"
                : $"characters in position {position}-{end - 1}";
        }

        /// <summary>Index of the first character above <paramref name="max"/>, or -1.</summary>
        // A plain loop: on header-sized strings it measured faster than span.IndexOfAnyExceptInRange.
        public static int IndexOfAbove(string text, char max)
        {
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] > max)
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>
        /// Encodes a str request body as latin-1 with CPython's friendly error:
        /// <c>Body ('ā') is not valid Latin-1. Use ... if you want to send it encoded in UTF-8.</c>
        /// </summary>
        public static byte[] EncodeBodyLatin1(string body)
        {
            int bad = IndexOfAbove(body, '\xff');
            if (bad < 0)
            {
                return Encoding.Latin1.GetBytes(body);
            }
            string where = UnencodableRun(body, bad, 256, out int end);
            string badRepr = PythonRepr.String(body.Substring(bad, end - bad));
            // Python's %.20r cuts the repr, closing quote included.
            throw new EncoderFallbackException($"'latin-1' codec can't encode {where}: Body ({badRepr.Substring(0, Math.Min(badRepr.Length, 20))}) "
                + "is not valid Latin-1. Use body.encode('utf-8') if you want to send it encoded in UTF-8.");
        }

        /// <summary>
        /// Host as sent in the Host header: ASCII as is, else IDNA. Python's codec is IDNA 2003 (nameprep: ß becomes ss,
        /// ASCII labels keep their case); this applies the same per-label mapping before IdnMapping's punycode.
        /// </summary>
        public static string ToAsciiHost(string host)
        {
            if (IndexOfAbove(host, '\x7f') < 0)
            {
                return host;
            }
            var mapping = new IdnMapping();
            string[] labels = host.Split(new[] { '.', '\u3002', '\uff0e', '\uff61' });
            for (int i = 0; i < labels.Length; i++)
            {
                string label = labels[i];
                if (IndexOfAbove(label, '\x7f') < 0)
                {
                    continue;
                }
                string prepared = label.Normalize(NormalizationForm.FormKC).ToLowerInvariant()
                    .Replace("\u00df", "ss", StringComparison.Ordinal)
                    .Replace('\u03c2', '\u03c3');
                try
                {
                    labels[i] = mapping.GetAscii(prepared);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidUrlException($"host {PythonRepr.String(host)} cannot be IDNA-encoded: {e.Message}", e);
                }
            }
            return string.Join('.', labels);
        }

        /// <summary>
        /// The netloc of an absolute URL as urllib.parse.urlsplit finds it ("" when there is none): the text after
        /// <c>scheme://</c> up to the first <c>/</c>, <c>?</c> or <c>#</c>.
        /// </summary>
        public static string UrlNetloc(string url)
        {
            int colon = url.IndexOf(':');
            if (colon <= 0 || !char.IsAsciiLetter(url[0]))
            {
                return "";
            }
            for (int i = 0; i < colon; i++)
            {
                char c = url[i];
                if (!(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '-' || c == '.'))
                {
                    return "";
                }
            }
            int start = colon + 1;
            if (url.Length < start + 2 || url[start] != '/' || url[start + 1] != '/')
            {
                return "";
            }
            start += 2;
            int end = url.AsSpan(start).IndexOfAny('/', '?', '#');
            string netloc = end < 0 ? url.Substring(start) : url.Substring(start, end);
            bool open = netloc.Contains('[');
            bool close = netloc.Contains(']');
            if (open != close || (open && netloc.IndexOf('[') > netloc.IndexOf(']')))
            {
                throw new InvalidUrlException("Invalid IPv6 URL");
            }
            return netloc;
        }
    }
}
