using System.Collections.Generic;

namespace Http.Client.Benchmarks.Loopback;

internal static class HttpClientLibraryClients
{
    public static IEnumerable<LoopbackClient> Create() => [];
}
