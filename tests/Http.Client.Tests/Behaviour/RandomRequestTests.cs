using System;
using System.Collections.Generic;
using System.Text;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// Random requests built from the characters that matter to request validation (fixed seeds). Each request either
/// goes out exactly as asked (its request line and header line on the wire) or is rejected with ArgumentException /
/// InvalidUrlException before anything is written; either way the next, valid request on the same connection goes
/// out clean (docs/differences.md #1: a rejected request leaves nothing behind).
/// </summary>
public class RandomRequestTests
{
    private const int RequestsPerSeed = 300;
    private const string Alphabet = "GETa /:\r\n\t\0\u007f\u00e9\u0100%?#[]-";
    private const string Ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    public static IEnumerable<object[]> Seeds()
    {
        for (int seed = 1; seed <= 4; seed++)
        {
            yield return new object[] { seed };
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_requests_are_sent_exactly_or_rejected_without_a_trace(int seed)
    {
        var random = new Random(seed);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < RequestsPerSeed; i++)
        {
            string method = "G" + Pick(random, 3);
            string url = "/" + Pick(random, 4);
            string name = "X" + Pick(random, 3);
            string value = Pick(random, 4);
            var factory = new TransportFactory(ReadSplit.Whole, Ok + Ok);
            using HttpConnection conn = factory.CreateConnection();
            bool sent;
            try
            {
                conn.Request(method, url, headers: new[] { new KeyValuePair<string, string>(name, value) });
                sent = true;
                accepted++;
            }
            catch (Exception e) when (e is ArgumentException or InvalidUrlException)
            {
                sent = false;
                rejected++;
                Assert.Empty(factory.AllWritten);
            }

            if (sent)
            {
                string wire = Encoding.Latin1.GetString(factory.AllWritten);
                Assert.StartsWith($"{method} {url} HTTP/1.1\r\n", wire, StringComparison.Ordinal);
                Assert.Contains($"\r\n{name}: {value}\r\n", wire, StringComparison.Ordinal);
                using HttpResponse first = conn.GetResponse();
                first.Read();
            }

            int before = factory.AllWritten.Length;
            conn.Request("GET", "/next");
            string next = Encoding.Latin1.GetString(factory.AllWritten, before, factory.AllWritten.Length - before);
            Assert.StartsWith("GET /next HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n", next, StringComparison.Ordinal);
            using HttpResponse second = conn.GetResponse();
            Assert.Equal(200, second.Status);
        }
        // Both outcomes must occur, or the test proves nothing.
        Assert.InRange(accepted, RequestsPerSeed / 20, RequestsPerSeed);
        Assert.InRange(rejected, RequestsPerSeed / 20, RequestsPerSeed);
    }

    private static string Pick(Random random, int maxLength)
    {
        var text = new StringBuilder();
        int length = random.Next(0, maxLength + 1);
        for (int i = 0; i < length; i++)
        {
            text.Append(Alphabet[random.Next(Alphabet.Length)]);
        }
        return text.ToString();
    }
}
