using System.Text;

namespace Http.Client.Generator
{
    /// <summary>
    /// The request-side checks of runtime/Internal/HttpSyntax.cs (CPython's http.client rules), restated for
    /// compile-time use on constant arguments. Each check returns null when the runtime accepts the text, else the
    /// reason it would throw. Keep in step with the runtime: a test compares both on the same inputs.
    /// </summary>
    internal static class HttpSyntaxRules
    {
        /// <summary>Highest TCP port; the runtime rejects anything above (CPython: "port out of range").</summary>
        private const int MaxPort = 65535;

        /// <summary>Method (behavior.md C13, docs/differences.md #30): no C0 control character or DEL; ASCII only.</summary>
        public static string? CheckMethod(string method)
        {
            for (int i = 0; i < method.Length; i++)
            {
                if (method[i] <= '\x1f' || method[i] == '\x7f')
                {
                    return $"it contains the control character {Describe(method[i])}";
                }
            }

            return CheckAscii(method);
        }

        /// <summary>URL (C13, CVE-2019-9740): no C0 control character, space or DEL; ASCII only. Empty means "/".</summary>
        public static string? CheckUrl(string url)
        {
            string? bad = CheckUrlCharacters(url, "control characters or spaces");
            return bad ?? CheckAscii(url);
        }

        /// <summary>
        /// Host of a connection or tunnel (C2): with no explicit port, "host:port" and "[v6]:port" are split and the port
        /// must be ASCII digits within 0-65535 (empty means the default port); the host then must hold no control
        /// character or space. <paramref name="portKnownNull"/> false means an explicit port was given (no split);
        /// null means it is not known at compile time, so only checks true in both cases are made.
        /// </summary>
        public static string? CheckHost(string host, bool? portKnownNull)
        {
            string hostPart = host;
            if (portKnownNull != false)
            {
                int colon = host.LastIndexOf(':');
                int bracket = host.LastIndexOf(']');
                if (colon > bracket)
                {
                    string portText = host.Substring(colon + 1);
                    if (portKnownNull == true && portText.Length > 0)
                    {
                        string? portError = CheckPortText(portText);
                        if (portError is not null)
                        {
                            return portError;
                        }
                    }

                    hostPart = host.Substring(0, colon);
                }
            }

            if (hostPart.Length >= 2 && hostPart[0] == '[' && hostPart[hostPart.Length - 1] == ']')
            {
                hostPart = hostPart.Substring(1, hostPart.Length - 2);
            }

            return CheckUrlCharacters(hostPart, "control characters or spaces");
        }

        /// <summary>An explicit port (C2): within 0-65535.</summary>
        public static string? CheckPort(long port)
            => port < 0 || port > MaxPort ? $"port out of range: {port} (must be 0-{MaxPort})" : null;

        /// <summary>
        /// Header name (C14, docs/differences.md #30): ASCII; not empty; the first character is not ':' or a space; no
        /// ':' or control character (C0, DEL) anywhere.
        /// </summary>
        public static string? CheckHeaderName(string name)
        {
            if (name.Length == 0)
            {
                return "it is empty";
            }

            string? ascii = CheckAscii(name);
            if (ascii is not null)
            {
                return ascii;
            }

            char first = name[0];
            if (first == ' ' || (first >= '\t' && first <= '\r'))
            {
                return $"it starts with the whitespace character {Describe(first)}";
            }

            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (c == ':' || c <= '\x1f' || c == '\x7f')
                {
                    return $"it contains {Describe(c)}";
                }
            }

            return null;
        }

        /// <summary>
        /// Header value (C14, docs/differences.md #30): ISO-8859-1 only; no control character but HTAB, CR and LF; an LF
        /// must be followed by space or tab, a CR by space, tab or LF (so only folded continuation lines pass; a bare
        /// line break would inject a header).
        /// </summary>
        public static string? CheckHeaderValue(string value)
        {
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c > '\xff')
                {
                    return $"the character {Describe(c)} at position {i} is not ISO-8859-1 (latin-1)";
                }

                if ((c <= '\x1f' && c != '\t' && c != '\r' && c != '\n') || c == '\x7f')
                {
                    return $"it contains the control character {Describe(c)} at position {i}";
                }
            }

            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c != '\r' && c != '\n')
                {
                    continue;
                }

                char next = i + 1 < value.Length ? value[i + 1] : '\0';
                bool folded = next == ' ' || next == '\t' || (c == '\r' && next == '\n');
                if (!folded)
                {
                    return $"{Describe(c)} at position {i} is not followed by a space or tab (a line break would end the header)";
                }
            }

            return null;
        }

        /// <summary>The text as a C# literal body: control characters, quotes and non-ASCII escaped.</summary>
        public static string Display(string text)
        {
            var builder = new StringBuilder(text.Length + 8);
            foreach (char c in text)
            {
                switch (c)
                {
                    case '\r': builder.Append("\\r"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\t': builder.Append("\\t"); break;
                    case '\0': builder.Append("\\0"); break;
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    default:
                        if (c < ' ' || c >= '\x7f')
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            return builder.ToString();
        }

        private static string? CheckUrlCharacters(string value, string what)
        {
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c <= ' ' || c == '\x7f')
                {
                    return $"it contains {what}: {Describe(c)} at position {i}";
                }
            }

            return null;
        }

        private static string? CheckAscii(string value)
        {
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] > '\x7f')
                {
                    return $"the character {Describe(value[i])} at position {i} is not ASCII";
                }
            }

            return null;
        }

        private static string? CheckPortText(string portText)
        {
            long value = 0;
            foreach (char c in portText)
            {
                if (c < '0' || c > '9')
                {
                    return $"nonnumeric port: '{Display(portText)}'";
                }

                // Saturate: the exact size of an absurd port does not matter, only that it is out of range.
                value = System.Math.Min(value * 10 + (c - '0'), int.MaxValue);
            }

            return CheckPort(value);
        }

        private static string Describe(char c) => c switch
        {
            ' ' => "' ' (space)",
            ':' => "':'",
            _ => "'" + Display(c.ToString()) + "'",
        };
    }
}
