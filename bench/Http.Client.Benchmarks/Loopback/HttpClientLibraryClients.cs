using System.Collections.Generic;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>The clients under test (Http.Client sync and async); filled in once the runtime's connection exists.</summary>
internal static class HttpClientLibraryClients
{
    public static IEnumerable<LoopbackClient> Create() => [];
}
