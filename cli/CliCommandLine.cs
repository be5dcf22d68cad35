using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli;

/// <summary>
/// The grammar of the <c>httpc</c> command line on System.CommandLine: the root command (one request), the
/// <c>demo</c> command, help, <c>--version</c> and the <c>[suggest]</c> directive that shell completion uses.
/// Values are checked while parsing, so every usage error is known before anything touches the network.
/// </summary>
internal sealed class CliCommandLine
{
    /// <summary>Largest accepted <c>--timeout</c>: a day; beyond that the value is surely a typo.</summary>
    private const double MaxTimeoutSeconds = 24 * 60 * 60;

    /// <summary>Shown at the end of <c>--help</c>: the codes scripts branch on.</summary>
    private const string ExitCodesHelp = """
        Exit codes:
          0 success (status < 400)   1 HTTP 4xx/5xx      2 usage error          3 connection failed
          4 TLS failed               5 timeout           6 protocol error       7 local file error
          47 too many redirects      70 internal error   130 interrupted
        """;

    private readonly Option<string> _method = new("--request", "-X")
    {
        Description = "Request method (default: GET; HEAD with -I; POST with -d/--data-file)",
        HelpName = "METHOD",
    };

    private readonly Option<string[]> _headers = new("--header", "-H")
    {
        Description = "Add a request header \"Name: value\" (repeatable); replaces a default of the same name",
        HelpName = "HEADER",
    };

    private readonly Option<string> _data = new("--data", "-d")
    {
        Description = "Send DATA (UTF-8) as the body; Content-Type defaults to application/x-www-form-urlencoded",
        HelpName = "DATA",
    };

    private readonly Option<string> _dataFile = new("--data-file")
    {
        Description = "Send the file's bytes as the body (- reads standard input); Content-Type defaults to application/octet-stream",
        HelpName = "PATH",
    };

    private readonly Option<string> _output = new("--output", "-o")
    {
        Description = "Write the body to FILE (- is standard output); progress on standard error if it is a terminal",
        HelpName = "FILE",
    };

    private readonly Option<bool> _include = Flag("--include", "-i", "Print the status line and response headers before the body");

    private readonly Option<bool> _head = Flag("--head", "-I", "Send HEAD and print the status line and headers");

    private readonly Option<bool> _location = Flag("--location", "-L", "Follow redirects (301, 302, 303, 307, 308)");

    private readonly Option<int> _maxRedirects = new("--max-redirs")
    {
        Description = "Follow at most NUM redirects with -L (-1: no limit)",
        HelpName = "NUM",
        DefaultValueFactory = _ => CliOptions.DefaultMaxRedirects,
    };

    private readonly Option<bool> _fail = Flag("--fail", "-f", "On a 4xx or 5xx response write no headers and no body (exit code 1)");

    private readonly Option<WriteOutFormat?> _writeOut = new("--write-out", "-w")
    {
        Description = "After the transfer print FORMAT on standard output: %{http_code}, %{size_download}, %{time_total}, ... and \\n",
        HelpName = "FORMAT",
    };

    private readonly Option<bool> _compressed = Flag("--compressed", null, "Ask for a compressed body (gzip, deflate, br) and decode it");

    private readonly Option<bool> _verbose = Flag("--verbose", "-v", "The library's debug output (SetDebugLevel(1)) and each redirect, on standard error");

    private readonly Option<string> _proxy = new("--proxy")
    {
        Description = "Go through an HTTP proxy (a CONNECT tunnel for https)",
        HelpName = "HOST:PORT",
    };

    private readonly Option<string> _caCert = new("--cacert")
    {
        Description = "Also trust the CA certificate(s) in this PEM file for https",
        HelpName = "FILE",
    };

    private readonly Option<TimeSpan?> _timeout = new("--timeout")
    {
        Description = "Timeout for each connect, TLS handshake, send and receive",
        HelpName = "SECONDS",
    };

    private readonly Argument<string?> _url = new("URL")
    {
        Description = "http:// or https:// URL; without a scheme, http:// is assumed",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly ParserConfiguration _configuration = new()
    {
        // "-d @x" is data, not a response file.
        ResponseFileTokenReplacer = null,
    };

    /// <summary>The grammar, with the actions that run a request and the demo.</summary>
    public CliCommandLine(
        Func<ParseResult, CancellationToken, Task<int>> runRequest,
        Func<CancellationToken, Task<int>> runDemo)
    {
        _method.Validators.Add(result =>
        {
            string? method = result.GetValueOrDefault<string>();
            if (method is not null && !IsToken(method))
            {
                result.AddError($"method '{method}' is not an HTTP token (letters, digits, !#$%&'*+-.^_`|~)");
            }
        });
        _headers.Validators.Add(result =>
        {
            foreach (string header in result.GetValueOrDefault<string[]>() ?? [])
            {
                try
                {
                    CliOptions.ParseHeader(header);
                }
                catch (CliFailure e)
                {
                    result.AddError(e.Message);
                    return;
                }
            }
        });
        _output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { Length: 0 })
            {
                result.AddError("the file name given with -o is empty");
            }
        });
        _timeout.CustomParser = result => ParseTimeout(result);
        _maxRedirects.CustomParser = result => ParseMaxRedirects(result);
        _writeOut.CustomParser = result => ParseWriteOut(result);

        Root = new RootCommand("httpc: a command-line HTTP client built on Http.Client") { HelpName = "httpc" };
        foreach (Option option in new Option[]
        {
            _method, _headers, _data, _dataFile, _output, _include, _head, _location, _maxRedirects, _fail, _writeOut,
            _compressed, _verbose, _proxy, _caCert, _timeout,
        })
        {
            Root.Options.Add(option);
        }

        Root.Arguments.Add(_url);
        Demo = new Command(
            "demo",
            "Run the examples of Python's http.client documentation against an embedded server on 127.0.0.1 (no network needed)");
        Root.Subcommands.Add(Demo);
        Root.SetAction(runRequest);
        Demo.SetAction((_, cancellationToken) => runDemo(cancellationToken));

        foreach (Option option in Root.Options)
        {
            if (option is HelpOption help)
            {
                help.Action = new HelpWithExitCodesAction((HelpAction)help.Action!);
            }
            else if (option is VersionOption version)
            {
                // The default prints the entry assembly's version, which in-process callers do not share.
                version.Action = new PrintVersionAction();
            }
        }
    }

    /// <summary>The root command: one request.</summary>
    public RootCommand Root { get; }

    /// <summary>The <c>demo</c> command.</summary>
    public Command Demo { get; }

    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, _configuration);

    /// <summary>
    /// Throws a usage <see cref="CliFailure"/> naming the first problem, when <paramref name="result"/> is a parse
    /// error. An unknown option is named as such: System.CommandLine takes it for an argument.
    /// </summary>
    public void ThrowIfInvalid(ParseResult result)
    {
        if (result.Action is not ParseErrorAction && result.Errors.Count == 0)
        {
            return;
        }

        int doubleDash = IndexOf(result.Tokens, token => token.Type == TokenType.DoubleDash);
        if (result.GetResult(_url) is { Tokens: [Token urlToken, ..] })
        {
            int position = IndexOf(result.Tokens, token => ReferenceEquals(token, urlToken));
            if (LooksLikeOption(urlToken.Value) && (doubleDash < 0 || position < doubleDash))
            {
                throw CliFailure.Usage($"unknown option '{urlToken.Value}'");
            }
        }

        foreach (string unmatched in result.UnmatchedTokens)
        {
            if (LooksLikeOption(unmatched) && doubleDash < 0)
            {
                throw CliFailure.Usage($"unknown option '{unmatched}'");
            }
        }

        if (result.UnmatchedTokens.Count > 0)
        {
            string extra = result.UnmatchedTokens[0];
            if (result.CommandResult.Command == Demo)
            {
                throw CliFailure.Usage($"'demo' takes no arguments (got '{extra}')");
            }

            string? url = result.GetResult(_url)?.Tokens.FirstOrDefault()?.Value;
            throw CliFailure.Usage(url is null ? $"unexpected argument '{extra}'" : $"only one URL may be given (got '{url}' and '{extra}')");
        }

        string message = result.Errors.Count > 0 ? result.Errors[0].Message : "invalid command line";
        throw CliFailure.Usage(message.TrimEnd('.'));
    }

    /// <summary>Reads the request options of a valid parse; throws a usage <see cref="CliFailure"/> for combinations that make no sense.</summary>
    public CliOptions ReadOptions(ParseResult result)
    {
        var options = new CliOptions
        {
            Method = result.GetValue(_method),
            Url = result.GetValue(_url) ?? throw CliFailure.Usage("no URL given"),
            Headers = (result.GetValue(_headers) ?? []).Select(CliOptions.ParseHeader).ToArray(),
            Data = result.GetValue(_data),
            DataFile = result.GetValue(_dataFile),
            OutputFile = result.GetValue(_output),
            Include = result.GetValue(_include),
            Head = result.GetValue(_head),
            FollowRedirects = result.GetValue(_location),
            MaxRedirects = result.GetValue(_maxRedirects),
            Fail = result.GetValue(_fail),
            WriteOut = result.GetValue(_writeOut),
            Compressed = result.GetValue(_compressed),
            Verbose = result.GetValue(_verbose),
            Proxy = result.GetValue(_proxy),
            CaCertFile = result.GetValue(_caCert),
            Timeout = result.GetValue(_timeout),
        };

        if (options.Data is not null && options.DataFile is not null)
        {
            throw CliFailure.Usage("give the body with -d or with --data-file, not both");
        }

        if (options.Head && (options.HasBody || options.Method is not null))
        {
            throw CliFailure.Usage("-I sends HEAD: it takes no -X, -d or --data-file");
        }

        return options;
    }

    /// <summary>An option that takes no value.</summary>
    private static Option<bool> Flag(string name, string? alias, string description) =>
        new(name, alias is null ? [] : [alias]) { Description = description, Arity = ArgumentArity.Zero };

    private static bool LooksLikeOption(string token) => token.Length > 1 && token[0] == '-';

    private static int IndexOf(IReadOnlyList<Token> tokens, Func<Token, bool> match)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (match(tokens[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// RFC 9110 token, the grammar of a method. The library (like CPython) only refuses control characters;
    /// a command line deserves the stricter check, since "GE T" would put a malformed request line on the wire.
    /// </summary>
    private static bool IsToken(string text) =>
        text.Length > 0 && text.AsSpan().IndexOfAnyExcept(TokenCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> TokenCharacters = System.Buffers.SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static TimeSpan? ParseTimeout(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
            || double.IsNaN(seconds) || seconds <= 0 || seconds > MaxTimeoutSeconds)
        {
            result.AddError($"--timeout needs a number of seconds above 0 and at most {MaxTimeoutSeconds} (got '{text}')");
            return null;
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static int ParseMaxRedirects(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int count) || count < -1)
        {
            result.AddError($"--max-redirs needs a whole number, 0 or more, or -1 for no limit (got '{text}')");
            return CliOptions.DefaultMaxRedirects;
        }

        return count;
    }

    private static WriteOutFormat? ParseWriteOut(ArgumentResult result)
    {
        try
        {
            return WriteOutFormat.Parse(result.Tokens[0].Value);
        }
        catch (CliFailure e)
        {
            result.AddError(e.Message);
            return null;
        }
    }

    /// <summary>System.CommandLine's help, then the exit codes.</summary>
    private sealed class HelpWithExitCodesAction : SynchronousCommandLineAction
    {
        private readonly HelpAction _help;

        public HelpWithExitCodesAction(HelpAction help) => _help = help;

        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int exitCode = _help.Invoke(parseResult);
            if (parseResult.CommandResult.Command is RootCommand)
            {
                TextWriter output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(ExitCodesHelp);
            }

            return exitCode;
        }
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine("httpc " + Httpc.Version);
            return ExitCodes.Success;
        }
    }
}
