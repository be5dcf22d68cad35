using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// Mutation fuzzing of the response side: valid responses with random byte flips, insertions, deletions and
/// truncations (fixed seeds, so a failure reproduces). Whatever arrives, every read finishes (the script is finite)
/// and any failure is a typed I/O failure (an <see cref="HttpException"/> or another <see cref="IOException"/>):
/// never an ArgumentException, IndexOutOfRangeException, InvalidOperationException or NullReferenceException
/// from inside the library.
/// </summary>
public class MutatedResponseTests
{
    private const int MutantsPerSeed = 400;

    private static readonly string[] Corpus =
    {
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nServer: s\r\n\r\nHello, world!",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\nclose-delimited body",
        "HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 204 No Content\r\nX-B:  folded\r\n  line\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    };

    public static IEnumerable<object[]> Seeds()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            yield return new object[] { seed };
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_responses_fail_only_with_typed_io_errors(int seed)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        int typedFailures = 0, completed = 0;
        for (int i = 0; i < MutantsPerSeed; i++)
        {
            int original = random.Next(Corpus.Length);
            byte[] mutant = Mutate(Encoding.Latin1.GetBytes(Corpus[original]), random);
            var split = (ReadSplit)random.Next(0, 5);
            int api = random.Next(0, 4);
            try
            {
                Exchange(mutant, split, api, random.Next(0, 2) == 0 ? "GET" : "HEAD", ResponsesIn(original));
                completed++;
            }
            catch (IOException)
            {
                typedFailures++;
                // HttpException (BadStatusLine, IncompleteRead, LineTooLong, ...) or a transport-level IOException.
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {seed}, mutant {i}, split {split}, api {api}: {e.GetType().Name}: {e.Message}\n" +
                    $"bytes: {Convert.ToBase64String(mutant)}\n{e}");
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "mutation run exceeded its time bound");
        }
        // The mutations must reach both outcomes, or this test proves nothing.
        Assert.InRange(typedFailures, MutantsPerSeed / 20, MutantsPerSeed);
        Assert.InRange(completed, MutantsPerSeed / 20, MutantsPerSeed);
    }

    /// <summary>How many final responses the unmutated corpus entry holds (the last one holds two).</summary>
    private static int ResponsesIn(int corpusIndex) => corpusIndex == Corpus.Length - 1 ? 2 : 1;

    /// <summary>As many requests as the script had responses, each body read with one of the read APIs.</summary>
    private static void Exchange(byte[] script, ReadSplit split, int api, string method, int responses)
    {
        var factory = new TransportFactory(split, script);
        using HttpConnection conn = factory.CreateConnection();
        for (int exchange = 0; exchange < responses; exchange++)
        {
            conn.Request(method, "/");
            using HttpResponse response = conn.GetResponse();
            _ = response.Status + response.Reason + response.GetHeader("Content-Length") + response.Headers.Count;
            byte[] buffer = new byte[7];
            for (int turn = 0; turn < 10_000 && !response.IsClosed; turn++)
            {
                int got = api switch
                {
                    0 => response.Read().Length,
                    1 => response.Read(5).Length,
                    2 => response.Read(buffer.AsSpan()),
                    _ => response.ReadLine(9).Length + response.Read1(3).Length + response.Peek().Length,
                };
                if (got == 0 && api != 3)
                {
                    break;
                }
            }
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;                       // flip to any byte
                case 1: bytes.Insert(at, Interesting[random.Next(Interesting.Length)]); break;
                case 2: bytes.RemoveAt(at); break;
                case 3: bytes.RemoveRange(at, bytes.Count - at); break;                   // truncate
                default: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(8, bytes.Count - at))); break; // repeat a run
            }
        }
        return bytes.ToArray();
    }

    private static readonly byte[] Interesting = "\r\n\t :;-0fF9xX\0\u00ff"u8.ToArray();
}
