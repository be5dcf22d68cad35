using System;
using System.Net;
using System.Net.Sockets;

namespace Http.Client.Cli.Tests.TestKit;

/// <summary>
/// A loopback port that refuses connections for as long as this object lives: a socket is bound to it but never
/// listens, so a connect gets a reset (ECONNREFUSED) and no other listener, in this process or another test
/// process running at the same time, can take the port meanwhile (a bound-then-closed port could be reused).
/// </summary>
public sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>The refusing port on 127.0.0.1.</summary>
    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
