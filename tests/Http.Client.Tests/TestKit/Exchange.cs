using System;
using System.Collections.Generic;

namespace Http.Client.Tests.TestKit;

/// <summary>
/// One request/response over a <see cref="ScriptedTransport"/>: the port of CPython's
/// <c>HTTPResponse(FakeSocket(text), method=...)</c> + <c>begin()</c>, going through the public connection API
/// (a request is sent first, then the scripted bytes are parsed as its response).
/// </summary>
public sealed class Exchange : IDisposable
{
    private Exchange(TransportFactory factory, HttpConnection connection)
    {
        Factory = factory;
        Connection = connection;
    }

    /// <summary>The factory that made the transports.</summary>
    public TransportFactory Factory { get; }

    /// <summary>The connection under test (host example.com).</summary>
    public HttpConnection Connection { get; }

    /// <summary>The response, once <see cref="GetResponse"/> ran.</summary>
    public HttpResponse Response { get; private set; } = null!;

    /// <summary>The first transport the connection opened.</summary>
    public ScriptedTransport Transport => Factory.Transports[0];

    /// <summary>Sends <c>method /</c> over a transport that will answer with <paramref name="script"/>.</summary>
    public static Exchange Open(string script, ReadSplit split = ReadSplit.Whole, string method = "GET", bool failOnReadAtEof = false)
        => Open(Latin1.Bytes(script), split, method, failOnReadAtEof);

    /// <summary>Sends <c>method /</c> over a transport that will answer with <paramref name="script"/>.</summary>
    public static Exchange Open(byte[] script, ReadSplit split = ReadSplit.Whole, string method = "GET", bool failOnReadAtEof = false)
    {
        var factory = new TransportFactory(index => new ScriptedTransport(index == 0 ? script : Array.Empty<byte>(), split) { FailOnReadAtEof = failOnReadAtEof && index == 0 });
        var connection = factory.CreateConnection();
        var exchange = new Exchange(factory, connection);
        connection.Request(method, "/");
        return exchange;
    }

    /// <summary><see cref="Open(string, ReadSplit, string, bool)"/> then <see cref="GetResponse"/>.</summary>
    public static Exchange Begin(string script, ReadSplit split = ReadSplit.Whole, string method = "GET", bool failOnReadAtEof = false)
    {
        var exchange = Open(script, split, method, failOnReadAtEof);
        exchange.GetResponse();
        return exchange;
    }

    /// <summary><see cref="Open(byte[], ReadSplit, string, bool)"/> then <see cref="GetResponse"/>.</summary>
    public static Exchange Begin(byte[] script, ReadSplit split = ReadSplit.Whole, string method = "GET")
    {
        var exchange = Open(script, split, method);
        exchange.GetResponse();
        return exchange;
    }

    /// <summary>Reads the response head (CPython's begin()).</summary>
    public HttpResponse GetResponse() => Response = Connection.GetResponse();

    /// <summary>Disposes the response and the connection.</summary>
    public void Dispose()
    {
        Response?.Dispose();
        Connection.Dispose();
    }
}

/// <summary>Split modes for response-side theories: every scripted response is also fed in pieces.</summary>
public static class Splits
{
    /// <summary>Whole, one byte per read, and three random split patterns.</summary>
    public static IEnumerable<object[]> All => new[]
    {
        new object[] { ReadSplit.Whole },
        new object[] { ReadSplit.OneByte },
        new object[] { ReadSplit.RandomSeed1 },
        new object[] { ReadSplit.RandomSeed2 },
        new object[] { ReadSplit.RandomSeed3 },
    };
}
