using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Http.Client
{
    public partial class HttpConnection
    {
        /// <summary>
        /// The name of the <see cref="ActivitySource"/> (one client activity per request) and of the <see cref="Meter"/>
        /// (<c>http.client.request.duration</c>, <c>http.client.open_connections</c>, <c>http.client.connection.duration</c>)
        /// this library reports through. Nothing is measured or allocated while nobody listens.
        /// </summary>
        public const string TelemetryName = "Http.Client";

        private Activity? _requestActivity;
        private long _requestStarted; // Stopwatch timestamp while the request duration is measured, else 0

        private string UrlScheme => this is HttpsConnection ? "https" : "http";

        // The server a request is for: the tunnel's target when tunnelling, else the host connected to.
        private string ServerHost => TunnelHost ?? Host;

        private int ServerPort => TunnelPort ?? Port;

        /// <summary>A request starts (PutRequest): its activity and its clock, only for listeners.</summary>
        private void BeginRequestTelemetry(string method, string url)
        {
            if (Telemetry.RequestDuration.Enabled)
            {
                _requestStarted = Stopwatch.GetTimestamp();
            }
            if (!Telemetry.Source.HasListeners())
            {
                return;
            }
            string? knownMethod = Telemetry.KnownMethod(method);
            Activity? activity = Telemetry.Source.StartActivity(knownMethod ?? "HTTP", ActivityKind.Client);
            if (activity is { IsAllDataRequested: true })
            {
                // OpenTelemetry's HTTP client conventions (semantic-conventions http-spans).
                activity.SetTag("http.request.method", knownMethod ?? "_OTHER");
                if (knownMethod is null)
                {
                    activity.SetTag("http.request.method_original", method);
                }
                activity.SetTag("server.address", ServerHost);
                activity.SetTag("server.port", ServerPort);
                activity.SetTag("url.full", Telemetry.FullUrl(UrlScheme, ServerHost, ServerPort, _defaultPort, url));
                activity.SetTag("network.protocol.version", "1.1");
            }
            _requestActivity = activity;
        }

        /// <summary>A request ends: with the response head (<paramref name="status"/>) or a failure (<paramref name="error"/>).</summary>
        private void EndRequestTelemetry(int status, Exception? error)
        {
            Activity? activity = _requestActivity;
            long started = _requestStarted;
            if (activity is null && started == 0)
            {
                return;
            }
            _requestActivity = null;
            _requestStarted = 0;
            // error.type: the exception's type, else a status of 400 and up (the conventions' rule), else "_OTHER" for a
            // request closed before its response.
            string? errorType = error?.GetType().FullName
                ?? (status >= 400 ? Telemetry.StatusText(status) : status == 0 ? "_OTHER" : null);
            if (activity is not null)
            {
                if (status > 0)
                {
                    activity.SetTag("http.response.status_code", status);
                }
                if (errorType is not null)
                {
                    activity.SetTag("error.type", errorType);
                    activity.SetStatus(ActivityStatusCode.Error, error?.Message);
                }
                activity.Dispose();
            }
            if (started != 0 && Telemetry.RequestDuration.Enabled)
            {
                TagList tags = Telemetry.ServerTags(UrlScheme, ServerHost, ServerPort);
                tags.Add("http.request.method", Telemetry.KnownMethod(_method ?? "") ?? "_OTHER");
                if (status > 0)
                {
                    tags.Add("http.response.status_code", status);
                }
                if (errorType is not null)
                {
                    tags.Add("error.type", errorType);
                }
                Telemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
            }
        }

        /// <summary>The meter's view of one open transport, or null while nobody listens.</summary>
        private ConnectionTelemetry? StartConnectionTelemetry() =>
            Telemetry.OpenConnections.Enabled || Telemetry.ConnectionDuration.Enabled
                ? new ConnectionTelemetry(Telemetry.ServerTags(UrlScheme, Host, Port))
                : null;
    }
}

namespace Http.Client.Internal
{
    /// <summary>The activity source and instruments (the names and units of .NET's own System.Net.Http meter).</summary>
    internal static class Telemetry
    {
        public static readonly ActivitySource Source = new ActivitySource(HttpConnection.TelemetryName);

        public static readonly Meter Meter = new Meter(HttpConnection.TelemetryName);

        public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
            "http.client.request.duration", "s", "Time from the start of a request to the head of its response.");

        public static readonly UpDownCounter<long> OpenConnections = Meter.CreateUpDownCounter<long>(
            "http.client.open_connections", "{connection}", "Transports currently open.");

        public static readonly Histogram<double> ConnectionDuration = Meter.CreateHistogram<double>(
            "http.client.connection.duration", "s", "How long a transport stayed open.");

        private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

        /// <summary>The method as the conventions name it (upper case), or null for one they do not know (<c>_OTHER</c>).</summary>
        public static string? KnownMethod(string method) => HttpConnection.MatchMethod(method, Methods);

        public static string StatusText(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary><c>url.full</c>: an absolute request target as given, else scheme, Host and target; never credentials.</summary>
        public static string FullUrl(string scheme, string host, int port, int defaultPort, string target)
        {
            int start = target.IndexOf("://", StringComparison.Ordinal);
            if (start < 0)
            {
                string authority = host.Contains(':') ? "[" + host + "]" : host;
                authority = port == defaultPort ? authority : authority + ":" + StatusText(port);
                return scheme + "://" + authority + (target.Length == 0 ? "/" : target);
            }
            int hostStart = start + 3;
            int end = target.AsSpan(hostStart).IndexOfAny('/', '?', '#');
            int at = target.AsSpan(hostStart, end < 0 ? target.Length - hostStart : end).LastIndexOf('@');
            return at < 0 ? target : string.Concat(target.AsSpan(0, hostStart), "REDACTED:REDACTED@", target.AsSpan(hostStart + at + 1));
        }

        public static TagList ServerTags(string scheme, string host, int port) => new TagList
        {
            { "server.address", host },
            { "server.port", port },
            { "url.scheme", scheme },
            { "network.protocol.version", "1.1" },
        };
    }

    /// <summary>One open transport as the meter counts it: +1 open connection now, -1 and its duration at <see cref="Stop"/>.</summary>
    internal sealed class ConnectionTelemetry
    {
        private readonly TagList _tags;
        private readonly long _opened = Stopwatch.GetTimestamp();

        public ConnectionTelemetry(TagList tags)
        {
            _tags = tags;
            Telemetry.OpenConnections.Add(1, _tags);
        }

        public void Stop()
        {
            Telemetry.OpenConnections.Add(-1, _tags);
            Telemetry.ConnectionDuration.Record(Stopwatch.GetElapsedTime(_opened).TotalSeconds, _tags);
        }
    }
}
