using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Http.Client.Cli;

/// <summary>
/// A parsed <c>-w/--write-out</c> format, curl's syntax: <c>%{variable}</c>, <c>%%</c> for a percent sign,
/// and the escapes <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\\</c>. An unknown variable is a usage error (curl only
/// warns), so a typo fails before the request instead of printing nothing where a script expects a value.
/// </summary>
internal sealed class WriteOutFormat
{
    /// <summary>The variables httpc knows, with what each prints (curl's meaning).</summary>
    internal static readonly IReadOnlyDictionary<string, Func<TransferReport, string>> Variables =
        new Dictionary<string, Func<TransferReport, string>>(StringComparer.Ordinal)
        {
            // curl prints 000 when no response arrived.
            ["http_code"] = report => (report.Status ?? 0).ToString("000", CultureInfo.InvariantCulture),
            ["response_code"] = report => (report.Status ?? 0).ToString("000", CultureInfo.InvariantCulture),
            ["http_version"] = report => report.Version switch { 10 => "1.0", 11 => "1.1", _ => "0" },
            ["size_download"] = report => report.BodyBytes.ToString(CultureInfo.InvariantCulture),
            ["time_total"] = report => report.Elapsed.TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture),
            ["num_redirects"] = report => report.Redirects.ToString(CultureInfo.InvariantCulture),
            ["url_effective"] = report => report.EffectiveUrl ?? "",
            ["content_type"] = report => report.ContentType ?? "",
            ["method"] = report => report.Method ?? "",
            ["exitcode"] = report => report.ExitCode.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>Literal text (escapes resolved) or a variable name, in order.</summary>
    private readonly List<(string? Literal, Func<TransferReport, string>? Variable)> _parts;

    private WriteOutFormat(List<(string?, Func<TransferReport, string>?)> parts) => _parts = parts;

    /// <summary>Parses <paramref name="format"/>; throws a usage <see cref="CliFailure"/> for an unknown variable.</summary>
    public static WriteOutFormat Parse(string format)
    {
        var parts = new List<(string?, Func<TransferReport, string>?)>();
        var literal = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c == '%' && i + 1 < format.Length && format[i + 1] == '%')
            {
                literal.Append('%');
                i++;
            }
            else if (c == '%' && i + 1 < format.Length && format[i + 1] == '{' && format.IndexOf('}', i + 2) is int close and > 0)
            {
                string name = format[(i + 2)..close];
                if (!Variables.TryGetValue(name, out Func<TransferReport, string>? variable))
                {
                    throw CliFailure.Usage($"unknown --write-out variable '{name}' (known: {string.Join(", ", Variables.Keys)})");
                }

                if (literal.Length > 0)
                {
                    parts.Add((literal.ToString(), null));
                    literal.Clear();
                }

                parts.Add((null, variable));
                i = close;
            }
            else if (c == '\\' && i + 1 < format.Length && format[i + 1] is 'n' or 'r' or 't' or '\\')
            {
                literal.Append(format[i + 1] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', _ => '\\' });
                i++;
            }
            else
            {
                literal.Append(c);
            }
        }

        if (literal.Length > 0)
        {
            parts.Add((literal.ToString(), null));
        }

        return new WriteOutFormat(parts);
    }

    /// <summary>The text to print for <paramref name="report"/>.</summary>
    public string Render(TransferReport report)
    {
        var text = new StringBuilder();
        foreach ((string? literal, Func<TransferReport, string>? variable) in _parts)
        {
            text.Append(literal ?? variable!(report));
        }

        return text.ToString();
    }
}

/// <summary>What one httpc run did, for <c>-w/--write-out</c>: filled in as the transfer goes.</summary>
internal sealed class TransferReport
{
    /// <summary>The last response's status; null when none arrived.</summary>
    public int? Status { get; set; }

    /// <summary>The last response's HTTP version (10 or 11).</summary>
    public int? Version { get; set; }

    /// <summary>Bytes of the last response's body as received (before <c>--compressed</c> decoding), as curl counts.</summary>
    public long BodyBytes { get; set; }

    /// <summary>Redirects followed.</summary>
    public int Redirects { get; set; }

    /// <summary>The URL of the last request.</summary>
    public string? EffectiveUrl { get; set; }

    /// <summary>The last response's Content-Type.</summary>
    public string? ContentType { get; set; }

    /// <summary>The method of the last request.</summary>
    public string? Method { get; set; }

    /// <summary>From the start of the run to the end of the transfer (or the failure).</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>The exit code the run ends with.</summary>
    public int ExitCode { get; set; }
}
