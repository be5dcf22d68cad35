using System;
using System.Collections.Generic;
using System.CommandLine;

namespace Http.Client.Cli;

/// <summary>
/// The options of one <c>httpc</c> request (everything but the <c>demo</c> command), read from a
/// <see cref="ParseResult"/> of <see cref="CliCommandLine"/>.
/// </summary>
internal sealed class CliOptions
{
    /// <summary>The file name that means standard input (<c>--data-file -</c>) or standard output (<c>-o -</c>).</summary>
    public const string StandardStream = "-";

    /// <summary>curl's default for <c>--max-redirs</c>.</summary>
    public const int DefaultMaxRedirects = 50;

    public string? Method { get; init; }

    public string Url { get; init; } = "";

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    public string? Data { get; init; }

    public string? DataFile { get; init; }

    public string? OutputFile { get; init; }

    public bool Include { get; init; }

    public bool Verbose { get; init; }

    public string? Proxy { get; init; }

    public string? CaCertFile { get; init; }

    public TimeSpan? Timeout { get; init; }

    /// <summary><c>-L</c>: follow 301, 302, 303, 307 and 308 responses that carry a Location.</summary>
    public bool FollowRedirects { get; init; }

    /// <summary>How many redirects <c>-L</c> follows; -1 means no limit (as curl).</summary>
    public int MaxRedirects { get; init; } = DefaultMaxRedirects;

    /// <summary><c>-I</c>: send HEAD and print the status line and headers.</summary>
    public bool Head { get; init; }

    /// <summary><c>--fail</c>: write no body (and no headers) for a 4xx or 5xx response.</summary>
    public bool Fail { get; init; }

    /// <summary><c>-w</c>: what to print on standard output after the transfer.</summary>
    public WriteOutFormat? WriteOut { get; init; }

    /// <summary><c>--compressed</c>: ask for gzip, deflate or br and decode the body.</summary>
    public bool Compressed { get; init; }

    /// <summary>The method to send: <c>-X</c>, else HEAD for <c>-I</c>, else POST when a body is given, else GET (as curl).</summary>
    public string EffectiveMethod => Method ?? (Head ? "HEAD" : HasBody ? "POST" : "GET");

    /// <summary>Whether a request body was given (<c>-d</c> or <c>--data-file</c>).</summary>
    public bool HasBody => Data is not null || DataFile is not null;

    /// <summary>Whether the body is written to standard output (no <c>-o</c>, or <c>-o -</c>).</summary>
    public bool OutputIsStandardOutput => OutputFile is null or StandardStream;

    /// <summary>
    /// Parses a request command line (no <c>demo</c>, <c>--help</c> or <c>--version</c>). Throws
    /// <see cref="CliFailure"/> (usage) on bad input. For tests and callers that only need the values.
    /// </summary>
    public static CliOptions Parse(IReadOnlyList<string> args)
    {
        var commandLine = new CliCommandLine(
            (_, _) => throw new InvalidOperationException("only parsed here"),
            _ => throw new InvalidOperationException("only parsed here"));
        ParseResult result = commandLine.Parse(args);
        commandLine.ThrowIfInvalid(result);
        return commandLine.ReadOptions(result);
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
}
