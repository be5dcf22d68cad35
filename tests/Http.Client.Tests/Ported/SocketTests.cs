using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Ported;

/// <summary>Ports of CPython 3.11 test_httplib.SourceAddressTest (HTTP part) and TimeoutTest, on loopback.</summary>
public class SocketTests
{
    /// <summary>A port that was free a moment ago (CPython's find_unused_port; the same small race).</summary>
    internal static int FindUnusedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    [Fact]
    [Trait("CPython", "SourceAddressTest.testHTTPConnectionSourceAddress")]
    public async Task SourceAddress_ServerSeesThatPort()
    {
        await using var server = LoopbackServer.Start(c => c.WaitForEofAsync());
        int sourcePort = FindUnusedPort();
        using var conn = new HttpConnection(server.Host, server.Port, sourceAddress: new IPEndPoint(IPAddress.Loopback, sourcePort));
        conn.Connect();
        var accepted = await server.WaitForConnectionAsync();
        Assert.Equal(sourcePort, accepted.RemoteEndPoint.Port);
    }

    [Fact]
    [Trait("CPython", "TimeoutTest.testTimeoutAttribute")]
    public async Task TimeoutAttribute_ReachesTheConnection()
    {
        // Python's "global default socket timeout" has no .NET twin: null means no timeout.
        await using var server = LoopbackServer.Start(c => c.WaitForEofAsync());
        using (var conn = new HttpConnection(server.Host, server.Port))
        {
            Assert.Null(conn.Timeout);
            conn.Connect();
        }
        using (var conn = new HttpConnection(server.Host, server.Port, timeout: null))
        {
            Assert.Null(conn.Timeout);
            conn.Connect();
        }
        using (var conn = new HttpConnection(server.Host, server.Port, timeout: TimeSpan.FromSeconds(30)))
        {
            Assert.Equal(TimeSpan.FromSeconds(30), conn.Timeout);
            conn.Connect();
        }
        await server.WaitForConnectionAsync(3);
    }
}
