using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Tests.TestKit;

/// <summary>
/// A ConnectCallback that hands out <see cref="ScriptedTransport"/>s (FakeSocketHTTPConnection's factory):
/// the n-th transport opened serves the n-th script (an empty script once they run out) and the factory counts
/// how many transports the connection opened and which endpoints it asked for.
/// </summary>
public sealed class TransportFactory
{
    private readonly object _gate = new();
    private readonly List<ScriptedTransport> _transports = new();
    private readonly List<DnsEndPoint> _endpoints = new();
    private readonly Func<int, ScriptedTransport> _create;

    /// <summary>One script per transport, each served with <paramref name="split"/>.</summary>
    public TransportFactory(ReadSplit split, params byte[][] scripts)
        : this(index => new ScriptedTransport(index < scripts.Length ? scripts[index] : Array.Empty<byte>(), split)) { }

    /// <summary>One script per transport, each served whole.</summary>
    public TransportFactory(params byte[][] scripts) : this(ReadSplit.Whole, scripts) { }

    /// <summary>One script (Latin-1 text) per transport, each served with <paramref name="split"/>.</summary>
    public TransportFactory(ReadSplit split, params string[] scripts) : this(split, Array.ConvertAll(scripts, Latin1.Bytes)) { }

    /// <summary>Transports made by <paramref name="create"/>, given the 0-based index of the transport.</summary>
    public TransportFactory(Func<int, ScriptedTransport> create) => _create = create;

    /// <summary>Every transport serves the same <paramref name="script"/> (Latin-1 text) whole: a server that answers
    /// every connection alike.</summary>
    public static TransportFactory Repeating(string script) => new(_ => new ScriptedTransport(script));

    /// <summary>How many transports the connection opened.</summary>
    public int OpenCount { get { lock (_gate) { return _transports.Count; } } }

    /// <summary>The transports opened so far, in order.</summary>
    public IReadOnlyList<ScriptedTransport> Transports { get { lock (_gate) { return _transports.ToArray(); } } }

    /// <summary>The endpoints the connection asked for, in order.</summary>
    public IReadOnlyList<DnsEndPoint> Endpoints { get { lock (_gate) { return _endpoints.ToArray(); } } }

    /// <summary>The last transport opened (fails if none).</summary>
    public ScriptedTransport Last
    {
        get { lock (_gate) { return _transports.Count > 0 ? _transports[^1] : throw new InvalidOperationException("no transport was opened"); } }
    }

    /// <summary>Every byte written to every transport, in order.</summary>
    public byte[] AllWritten
    {
        get
        {
            var all = new MemoryStream();
            foreach (var t in Transports) all.Write(t.Written);
            return all.ToArray();
        }
    }

    /// <summary>The callback to assign to <c>HttpConnection.ConnectCallback</c>.</summary>
    public ValueTask<Stream> Connect(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var transport = _create(_transports.Count);
            _transports.Add(transport);
            _endpoints.Add(endPoint);
            return ValueTask.FromResult<Stream>(transport);
        }
    }

    /// <summary>A connection to <paramref name="host"/> whose transports come from this factory.</summary>
    public HttpConnection CreateConnection(string host = "example.com", int? port = null, int blockSize = 8192)
        => new HttpConnection(host, port, blockSize: blockSize) { ConnectCallback = Connect };
}
