using System;
using System.Collections.Generic;
using System.Globalization;

namespace Http.Client.Cli;

/// <summary>The parsed command line of one <c>httpc</c> request (everything but the <c>demo</c> verb).</summary>
internal sealed class CliOptions
{
    /// <summary>Largest accepted <c>--timeout</c>: a day; beyond that the value is surely a typo.</summary>
    private const double MaxTimeoutSeconds = 24 * 60 * 60;

    public string? Method { get; private set; }

    public string Url { get; private set; } = "";

    public List<KeyValuePair<string, string>> Headers { get; } = new();

    public string? Data { get; private set; }

    public string? DataFile { get; private set; }

    public string? OutputFile { get; private set; }

    public bool Include { get; private set; }

    public bool Verbose { get; private set; }

    public string? Proxy { get; private set; }

    public string? CaCertFile { get; private set; }

    public TimeSpan? Timeout { get; private set; }

    public bool ShowHelp { get; private set; }

    public bool ShowVersion { get; private set; }

    /// <summary>The method to send: <c>-X</c>, else POST when a body is given, else GET (as curl).</summary>
    public string EffectiveMethod => Method ?? (Data is not null || DataFile is not null ? "POST" : "GET");

    /// <summary>
    /// Parses curl-style arguments: <c>-X VALUE</c>, <c>-XVALUE</c>, <c>--request VALUE</c>,
    /// <c>--request=VALUE</c>; <c>--</c> ends the options. Throws <see cref="CliFailure"/> (usage) on bad input.
    /// </summary>
    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CliOptions();
        string? url = null;
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (optionsEnded || arg.Length < 2 || arg[0] != '-')
            {
                if (url is not null)
                {
                    throw CliFailure.Usage($"only one URL may be given (got '{url}' and '{arg}')");
                }

                url = arg;
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            string name;
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                int equals = arg.IndexOf('=');
                name = equals < 0 ? arg : arg[..equals];
                inlineValue = equals < 0 ? null : arg[(equals + 1)..];
            }
            else
            {
                // Short option, value possibly glued on: -XPOST, -oout.bin.
                name = arg[..2];
                inlineValue = arg.Length > 2 ? arg[2..] : null;
            }

            string TakeValue()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 >= args.Count)
                {
                    throw CliFailure.Usage($"option '{name}' needs a value");
                }

                return args[++i];
            }

            void NoValue()
            {
                if (inlineValue is not null)
                {
                    throw CliFailure.Usage($"option '{name}' takes no value (got '{arg}')");
                }
            }

            switch (name)
            {
                case "-X":
                case "--request":
                    options.Method = TakeValue();
                    if (!IsToken(options.Method))
                    {
                        throw CliFailure.Usage($"method '{options.Method}' is not an HTTP token (letters, digits, !#$%&'*+-.^_`|~)");
                    }

                    break;
                case "-H":
                case "--header":
                    options.Headers.Add(ParseHeader(TakeValue()));
                    break;
                case "-d":
                case "--data":
                    options.Data = TakeValue();
                    break;
                case "--data-file":
                    options.DataFile = TakeValue();
                    break;
                case "-o":
                case "--output":
                    options.OutputFile = TakeValue();
                    if (options.OutputFile.Length == 0)
                    {
                        throw CliFailure.Usage("the file name given with -o is empty");
                    }

                    break;
                case "-i":
                case "--include":
                    NoValue();
                    options.Include = true;
                    break;
                case "-v":
                case "--verbose":
                    NoValue();
                    options.Verbose = true;
                    break;
                case "--proxy":
                    options.Proxy = TakeValue();
                    break;
                case "--cacert":
                    options.CaCertFile = TakeValue();
                    break;
                case "--timeout":
                    options.Timeout = ParseTimeout(TakeValue());
                    break;
                case "-h":
                case "--help":
                    NoValue();
                    options.ShowHelp = true;
                    break;
                case "--version":
                    NoValue();
                    options.ShowVersion = true;
                    break;
                default:
                    throw CliFailure.Usage($"unknown option '{name}'");
            }
        }

        if (options.ShowHelp || options.ShowVersion)
        {
            return options;
        }

        if (options.Data is not null && options.DataFile is not null)
        {
            throw CliFailure.Usage("give the body with -d or with --data-file, not both");
        }

        options.Url = url ?? throw CliFailure.Usage("no URL given");
        return options;
    }

    /// <summary>Splits "Name: value" at the first colon; the value's surrounding spaces and tabs are trimmed.</summary>
    internal static KeyValuePair<string, string> ParseHeader(string text)
    {
        int colon = text.IndexOf(':');
        if (colon <= 0)
        {
            throw CliFailure.Usage($"header '{text}' is not of the form 'Name: value'");
        }

        string name = text[..colon];
        if (name.Trim().Length != name.Length)
        {
            throw CliFailure.Usage($"header name '{name}' has surrounding whitespace");
        }

        return new KeyValuePair<string, string>(name, text[(colon + 1)..].Trim(' ', '\t'));
    }

    /// <summary>
    /// RFC 9110 token, the grammar of a method. The library (like CPython) only refuses control characters;
    /// a command line deserves the stricter check, since "GE T" would put a malformed request line on the wire.
    /// </summary>
    private static bool IsToken(string text) =>
        text.Length > 0 && text.AsSpan().IndexOfAnyExcept(TokenCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> TokenCharacters = System.Buffers.SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static TimeSpan ParseTimeout(string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            || double.IsNaN(seconds) || seconds <= 0 || seconds > MaxTimeoutSeconds)
        {
            throw CliFailure.Usage($"--timeout needs a number of seconds above 0 and at most {MaxTimeoutSeconds} (got '{text}')");
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
