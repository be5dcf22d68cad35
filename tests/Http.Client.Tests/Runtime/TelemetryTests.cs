using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>
    /// The "Http.Client" ActivitySource and Meter against loopback servers. Listeners are process-wide and other tests
    /// run at the same time, so each test keeps only what carries its own server's port.
    /// </summary>
    public class TelemetryTests
    {
        private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        private const string NotFound = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task One_client_activity_per_request_with_the_http_semantic_convention_tags(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve(Ok, NotFound);
            using var activities = new ActivityCollector(server.Port);
            using (HttpConnection conn = server.CreateConnection())
            {
                await Exchange(conn, async, "GET", "/a?b=c");
                await Exchange(conn, async, "purge", "/gone");
            }

            Assert.Equal(2, activities.Stopped.Count);
            Activity ok = activities.Stopped[0];
            Assert.Equal("Http.Client", ok.Source.Name);
            Assert.Equal(ActivityKind.Client, ok.Kind);
            Assert.Equal("GET", ok.DisplayName);
            Assert.Equal("GET", ok.GetTagItem("http.request.method"));
            Assert.Equal("127.0.0.1", ok.GetTagItem("server.address"));
            Assert.Equal(server.Port, ok.GetTagItem("server.port"));
            Assert.Equal($"http://127.0.0.1:{server.Port}/a?b=c", ok.GetTagItem("url.full"));
            Assert.Equal(200, ok.GetTagItem("http.response.status_code"));
            Assert.Null(ok.GetTagItem("error.type"));
            Assert.Equal(ActivityStatusCode.Unset, ok.Status);

            Activity notFound = activities.Stopped[1];
            Assert.Equal("_OTHER", notFound.GetTagItem("http.request.method"));
            Assert.Equal("purge", notFound.GetTagItem("http.request.method_original"));
            Assert.Equal(404, notFound.GetTagItem("http.response.status_code"));
            Assert.Equal("404", notFound.GetTagItem("error.type"));
            Assert.Equal(ActivityStatusCode.Error, notFound.Status);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task A_failed_request_carries_the_exception_type_and_credentials_never_reach_url_full(bool async)
        {
            using LoopbackServer server = LoopbackServer.Respond((_, _) => null);
            using var activities = new ActivityCollector(server.Port);
            using (HttpConnection conn = server.CreateConnection())
            {
                await Assert.ThrowsAsync<RemoteDisconnectedException>(() =>
                    Exchange(conn, async, "GET", $"http://user:secret@127.0.0.1:{server.Port}/private"));
            }

            Activity failed = Assert.Single(activities.Stopped);
            Assert.Equal($"http://REDACTED:REDACTED@127.0.0.1:{server.Port}/private", failed.GetTagItem("url.full"));
            Assert.Equal(typeof(RemoteDisconnectedException).FullName, failed.GetTagItem("error.type"));
            Assert.Null(failed.GetTagItem("http.response.status_code"));
            Assert.Equal(ActivityStatusCode.Error, failed.Status);
        }

        [Fact]
        public void A_request_refused_before_sending_ends_its_activity_with_the_error()
        {
            using LoopbackServer server = LoopbackServer.Serve(Ok);
            using var activities = new ActivityCollector(server.Port);
            using HttpConnection conn = server.CreateConnection();
            Assert.Throws<ArgumentException>(() => conn.Request("GET", "/", headers: new[] { KeyValuePair.Create("X", "a\0b") }));
            conn.PutRequest("GET", "/");
            Assert.Throws<ArgumentException>(() => conn.PutHeader("Y", "a\0b")); // the request goes on
            conn.Close();

            Assert.Equal(2, activities.Stopped.Count);
            Assert.Equal(typeof(ArgumentException).FullName, activities.Stopped[0].GetTagItem("error.type"));
            Assert.Equal("_OTHER", activities.Stopped[1].GetTagItem("error.type")); // closed before a response
            Assert.Equal(0, server.ConnectionCount);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Request_duration_open_connections_and_connection_duration_are_measured(bool async)
        {
            using LoopbackServer server = LoopbackServer.Serve(Ok, NotFound);
            using var meter = new MeasurementCollector(server.Port);
            using (HttpConnection conn = server.CreateConnection())
            {
                await Exchange(conn, async, "GET", "/");
                Assert.Equal(1, meter.Sum("http.client.open_connections"));
                await Exchange(conn, async, "DELETE", "/x");
            }

            Assert.Equal(0, meter.Sum("http.client.open_connections"));
            Measurement[] requests = meter.Of("http.client.request.duration");
            Assert.Equal(2, requests.Length);
            Assert.All(requests, m => Assert.InRange(m.Value, 0, 60));
            Assert.Equal(new object?[] { "GET", 200, null }, new[] { requests[0].Tag("http.request.method"), requests[0].Tag("http.response.status_code"), requests[0].Tag("error.type") });
            Assert.Equal(new object?[] { "DELETE", 404, "404" }, new[] { requests[1].Tag("http.request.method"), requests[1].Tag("http.response.status_code"), requests[1].Tag("error.type") });
            Assert.Equal("127.0.0.1", requests[0].Tag("server.address"));
            Assert.Equal("http", requests[0].Tag("url.scheme"));
            Measurement connection = Assert.Single(meter.Of("http.client.connection.duration"));
            // The second request runs wholly inside the connection's lifetime (the first one's time includes the work
            // before the transport opened, which a loaded machine can stretch).
            Assert.InRange(connection.Value, requests[1].Value, 60);
        }

        [Fact]
        public async Task The_instruments_and_the_source_use_the_documented_names()
        {
            Assert.Equal("Http.Client", HttpConnection.TelemetryName);
            using LoopbackServer server = LoopbackServer.Serve(Ok);
            var seen = new ConcurrentBag<string>();
            using var listener = new MeterListener
            {
                InstrumentPublished = (instrument, _) =>
                {
                    if (instrument.Meter.Name == "Http.Client")
                    {
                        seen.Add($"{instrument.Name} {instrument.Unit}");
                    }
                },
            };
            listener.Start();
            // One exchange of this test's own, so the instruments exist whether or not another test ran first.
            using (HttpConnection conn = server.CreateConnection())
            {
                await Exchange(conn, false, "GET", "/");
            }
            Assert.Equal(
                new[] { "http.client.connection.duration s", "http.client.open_connections {connection}", "http.client.request.duration s" },
                seen.OrderBy(s => s, StringComparer.Ordinal));
        }

        private static async Task Exchange(HttpConnection conn, bool async, string method, string url)
        {
            if (async)
            {
                await conn.RequestAsync(method, url);
                using HttpResponse response = await conn.GetResponseAsync();
                await response.ReadAsync();
            }
            else
            {
                conn.Request(method, url);
                using HttpResponse response = conn.GetResponse();
                response.Read();
            }
        }

        /// <summary>Activities of the library that name <paramref name="port"/> as server.port, in the order they stopped.</summary>
        private sealed class ActivityCollector : IDisposable
        {
            private readonly ActivityListener _listener;
            private readonly List<Activity> _stopped = new();

            public ActivityCollector(int port)
            {
                _listener = new ActivityListener
                {
                    ShouldListenTo = source => source.Name == "Http.Client",
                    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                    ActivityStopped = activity =>
                    {
                        if (Equals(activity.GetTagItem("server.port"), port))
                        {
                            lock (_stopped)
                            {
                                _stopped.Add(activity);
                            }
                        }
                    },
                };
                ActivitySource.AddActivityListener(_listener);
            }

            public IReadOnlyList<Activity> Stopped
            {
                get
                {
                    lock (_stopped)
                    {
                        return _stopped.ToArray();
                    }
                }
            }

            public void Dispose() => _listener.Dispose();
        }

        private sealed record Measurement(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
        {
            public object? Tag(string name) => Tags.FirstOrDefault(t => t.Key == name).Value;
        }

        /// <summary>The library's measurements that carry server.port <paramref name="port"/>, in order.</summary>
        private sealed class MeasurementCollector : IDisposable
        {
            private readonly MeterListener _listener = new();
            private readonly List<Measurement> _measurements = new();

            public MeasurementCollector(int port)
            {
                _listener.InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == "Http.Client")
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                };
                _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags, port));
                _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags, port));
                _listener.Start();
            }

            public Measurement[] Of(string instrument)
            {
                lock (_measurements)
                {
                    return _measurements.Where(m => m.Instrument == instrument).ToArray();
                }
            }

            public double Sum(string instrument) => Of(instrument).Sum(m => m.Value);

            public void Dispose() => _listener.Dispose();

            private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, int port)
            {
                KeyValuePair<string, object?>[] copy = tags.ToArray();
                if (!copy.Any(t => t.Key == "server.port" && Equals(t.Value, port)))
                {
                    return;
                }
                lock (_measurements)
                {
                    _measurements.Add(new Measurement(instrument.Name, value, copy));
                }
            }
        }
    }
}
