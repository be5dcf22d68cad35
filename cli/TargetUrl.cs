using System;
using System.Globalization;

namespace Http.Client.Cli;

/// <summary>An http or https URL taken apart into what the connection and the request line need.</summary>
/// <param name="IsHttps">True for https.</param>
/// <param name="Host">The host to connect to, without IPv6 brackets.</param>
/// <param name="Port">The port, the scheme's default when the URL has none.</param>
/// <param name="PathAndQuery">The origin-form request target: path plus query, never empty.</param>
/// <param name="AbsoluteUri">The absolute-form request target, used when an http request goes through a proxy.</param>
internal sealed record TargetUrl(bool IsHttps, string Host, int Port, string PathAndQuery, string AbsoluteUri)
{
    /// <summary>"host:port" (IPv6 hosts bracketed), for messages.</summary>
    public string HostAndPort => FormatAuthority(Host, Port);

    /// <summary>
    /// Scheme, host and port: what must stay the same for credentials to go along on a redirect (curl's rule)
    /// and for a connection to be reused.
    /// </summary>
    public string Origin => (IsHttps ? "https://" : "http://") + FormatAuthority(Host, Port);

    /// <summary>
    /// Parses a URL. Without "scheme://" the URL is taken as http (as curl does: <c>httpc localhost:8080/x</c>).
    /// Throws <see cref="CliFailure"/> (usage) for anything but a well-formed http/https URL.
    /// </summary>
    public static TargetUrl Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CliFailure.Usage("the URL is empty");
        }

        string candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out Uri? uri))
        {
            throw CliFailure.Usage($"malformed URL '{text}'");
        }

        return FromUri(uri, text, CliFailure.Usage);
    }

    /// <summary>
    /// The target of a redirect: <paramref name="location"/> (absolute, or relative to <paramref name="current"/>).
    /// A Location that is not a usable http/https URL is the server's fault: a protocol error.
    /// </summary>
    public static TargetUrl Resolve(TargetUrl current, string location)
    {
        CliFailure Unusable(string reason) =>
            new(ExitCodes.ProtocolError, $"the server redirected to an unusable Location '{location}': {reason}");

        if (!Uri.TryCreate(new Uri(current.AbsoluteUri), location.Trim(), out Uri? uri))
        {
            throw Unusable("not a URL");
        }

        return FromUri(uri, location, Unusable);
    }

    private static TargetUrl FromUri(Uri uri, string text, Func<string, CliFailure> failure)
    {
        bool isHttps;
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            isHttps = false;
        }
        else if (uri.Scheme == Uri.UriSchemeHttps)
        {
            isHttps = true;
        }
        else
        {
            throw failure($"unsupported scheme '{uri.Scheme}' in URL '{text}' (use http or https)");
        }

        if (uri.Host.Length == 0)
        {
            throw failure($"URL '{text}' has no host");
        }

        if (uri.UserInfo.Length != 0)
        {
            throw failure("credentials in the URL are not supported; send them with -H 'Authorization: ...'");
        }

        if (uri.Port <= 0)
        {
            throw failure($"URL '{text}' has an invalid port");
        }

        string host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;
        string pathAndQuery = uri.PathAndQuery.Length == 0 ? "/" : uri.PathAndQuery;
        string absolute = (isHttps ? "https://" : "http://") + FormatAuthority(host, uri.Port, isHttps) + pathAndQuery;
        return new TargetUrl(isHttps, host, uri.Port, pathAndQuery, absolute);
    }

    /// <summary>Parses <c>--proxy HOST:PORT</c> (an <c>http://</c> prefix and a trailing slash are allowed).</summary>
    public static (string Host, int Port) ParseProxy(string text)
    {
        string rest = text;
        if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest["http://".Length..];
        }
        else if (rest.Contains("://", StringComparison.Ordinal))
        {
            throw CliFailure.Usage($"proxy '{text}': only plain http proxies are supported (HOST:PORT)");
        }

        rest = rest.TrimEnd('/');
        string host;
        string portText;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']');
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
            {
                throw CliFailure.Usage($"proxy '{text}' is not of the form HOST:PORT");
            }

            host = rest[1..close];
            portText = rest[(close + 2)..];
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            if (colon < 0 || rest.IndexOf(':') != colon)
            {
                throw CliFailure.Usage($"proxy '{text}' is not of the form HOST:PORT");
            }

            host = rest[..colon];
            portText = rest[(colon + 1)..];
        }

        if (host.Length == 0 || host.AsSpan().IndexOfAny("/?#@ ") >= 0)
        {
            throw CliFailure.Usage($"proxy '{text}' has no valid host");
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw CliFailure.Usage($"proxy '{text}' has an invalid port '{portText}'");
        }

        return (host, port);
    }

    /// <summary>"host:port" with IPv6 hosts bracketed; the port is left out when it is the scheme's default.</summary>
    internal static string FormatAuthority(string host, int port, bool? isHttps = null)
    {
        string bracketed = host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;
        bool isDefault = isHttps switch
        {
            true => port == 443,
            false => port == 80,
            null => false,
        };
        return isDefault ? bracketed : bracketed + ":" + port.ToString(CultureInfo.InvariantCulture);
    }
}
