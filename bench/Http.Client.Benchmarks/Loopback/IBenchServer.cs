using System;
using System.Collections.Generic;

namespace Http.Client.Benchmarks.Loopback;

/// <summary>A canned-response server of the harness: in this process (<see cref="CannedServer"/>) or in its own.</summary>
internal interface IBenchServer : IDisposable
{
    int Port { get; }

    /// <summary>CPU time the server has used so far, in nanoseconds.</summary>
    long ServerCpuNanos();

    /// <summary>Linux thread ids of server threads inside this process, to keep off the clients' CPU (none for a server process).</summary>
    IReadOnlyCollection<int> ThreadIds();
}
