using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Http.Client.Internal;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>
    /// The buffer-only decoders (ResponseHeadDecoder, BodyDecoder) driven on byte arrays alone: each input delivered
    /// whole, in every split into two parts, and byte by byte, must give the same outcome.
    /// </summary>
    public class DecoderTests
    {
        private static readonly Encoding Latin1 = Encoding.Latin1;

        /// <summary>Every way to deliver <paramref name="length"/> bytes that the tests use: whole, each 2-part split, byte by byte.</summary>
        private static IEnumerable<int[]> Deliveries(int length)
        {
            yield return Array.Empty<int>();
            for (int cut = 1; cut < length; cut++)
            {
                yield return new[] { cut };
            }
            yield return Enumerable.Range(1, Math.Max(0, length - 1)).ToArray();
        }

        private static List<byte[]> Pieces(byte[] input, int[] cuts)
        {
            var pieces = new List<byte[]>();
            int start = 0;
            foreach (int cut in cuts.Append(input.Length))
            {
                pieces.Add(input[start..cut]);
                start = cut;
            }
            return pieces;
        }

        /// <summary>The outcome of decoding a head: status, reason, headers, the bytes after the head; or the exception.</summary>
        private static string Head(string input, int[] cuts, HttpConnectionLimits? limits = null, bool tunnel = false)
        {
            var decoder = new ResponseHeadDecoder(limits ?? new HttpConnectionLimits(), tunnel, debug: null, previous: null);
            var buffer = new List<byte>();
            var pieces = new Queue<byte[]>(Pieces(Latin1.GetBytes(input), cuts));
            try
            {
                while (true)
                {
                    bool end = pieces.Count == 0;
                    HeadStatus status = decoder.Decode(buffer.ToArray(), end, out int consumed);
                    Assert.InRange(consumed, 0, buffer.Count);
                    buffer.RemoveRange(0, consumed);
                    if (status == HeadStatus.Done)
                    {
                        buffer.AddRange(pieces.SelectMany(p => p));
                        string headers = decoder.Headers is null ? "-" : string.Join("|", decoder.Headers.Select(h => h.Key + "=" + h.Value));
                        return $"{decoder.Status} {decoder.Reason} v{decoder.Version} [{headers}] rest={Latin1.GetString(buffer.ToArray())}";
                    }
                    Assert.False(end, "NeedMore at the end of the stream");
                    buffer.AddRange(pieces.Dequeue());
                }
            }
            catch (HttpException e)
            {
                return Describe(e);
            }
        }

        public static IEnumerable<object[]> Heads() => new[]
        {
            new object[] { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nhello", "200 OK v11 [Content-Length=5|X=y] rest=hello" },
            new object[] { "HTTP/1.1 100 Continue\r\nA: b\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Made\r\nB: c\r\n\r\n", "201 Made v11 [B=c] rest=" },
            new object[] { "HTTP/1.0 404 Not Found\nA: 1\n\nbody", "404 Not Found v10 [A=1] rest=body" },
            new object[] { "HTTP/1.1 200 OK\r\nA: 1\r\n  cont\r\nB:2\r\n\r\n", "200 OK v11 [A=1\r\n  cont|B=2] rest=" },
            new object[] { "HTTP/1.1 200 OK\r\nA: 1", "200 OK v11 [A=1] rest=" },
            new object[] { "HTTP/1.1 200\r\nBadLine\r\nAfter: 2\r\n\r\nx", "200  v11 [] rest=x" },
            new object[] { "", "RemoteDisconnectedException: Remote end closed connection without response" },
            new object[] { "HTTP/1.1 100 Continue\r\n\r\n", "RemoteDisconnectedException: Remote end closed connection without response" },
            new object[] { "ICY 200 OK\r\n\r\n", "BadStatusLineException: ICY 200 OK\r\n" },
            new object[] { "HTTP/2.0 200 OK\r\n\r\n", "UnknownProtocolException: HTTP/2.0" },
        };

        [Theory]
        [MemberData(nameof(Heads))]
        public void Head_decodes_the_same_in_every_split(string input, string expected)
        {
            foreach (int[] cuts in Deliveries(input.Length))
            {
                Assert.Equal(expected, Head(input, cuts));
            }
        }

        [Fact]
        public void Head_limits_raise_cpython_exceptions_in_every_split()
        {
            var limits = new HttpConnectionLimits { MaxLineLength = 32, MaxHeaders = 3, MaxInterimResponses = 1 };
            string longStatus = "HTTP/1.1 200 " + new string('r', 40) + "\r\n\r\n";
            string longHeader = "HTTP/1.1 200 OK\r\nX: " + new string('v', 40) + "\r\n\r\n";
            string manyHeaders = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
            string interim = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
            foreach ((string input, string expected) in new[]
            {
                (longStatus, "LineTooLong: status line"),
                (longHeader, "LineTooLong: header line"),
                (manyHeaders, "HttpException: got more than 3 headers"),
                (interim, "HttpException: got more than 1 interim responses"),
            })
            {
                foreach (int[] cuts in Deliveries(input.Length))
                {
                    Assert.Equal(expected, Head(input, cuts, limits));
                }
            }
        }

        [Fact]
        public void Tunnel_reply_reads_headers_whatever_the_status_in_every_split()
        {
            const string refused = "HTTP/1.1 407 Proxy Authentication Required\r\nX: y\r\n\r\n";
            const string accepted = "HTTP/1.1 200 Connection established\r\nVia: p\r\n\r\nTLS";
            foreach (int[] cuts in Deliveries(refused.Length))
            {
                Assert.Equal("407 Proxy Authentication Required v0 [X=y] rest=", Head(refused, cuts, tunnel: true));
            }
            foreach (int[] cuts in Deliveries(accepted.Length))
            {
                Assert.Equal("200 Connection established v0 [Via=p] rest=TLS", Head(accepted, cuts, tunnel: true));
            }
        }

        // A LineTooLong's message names CPython's 65536 whatever the limit: its LineType is what identifies it.
        private static string Describe(HttpException e) =>
            e is LineTooLongException tooLong ? "LineTooLong: " + tooLong.LineType : e.GetType().Name + ": " + e.Message;

        private static BodyDecoder Body(string headers, int status = 200, bool isHead = false, HttpConnectionLimits? limits = null)
        {
            HttpMessage message = HttpMessage.Parse(Latin1.GetBytes(headers + "\r\n"));
            return BodyDecoder.For(status, 11, isHead, message, limits ?? new HttpConnectionLimits(), out _);
        }

        /// <summary>
        /// Decodes a whole body taking at most <paramref name="take"/> bytes of each window; returns the body, how it
        /// ended and the bytes after it, or the exception.
        /// </summary>
        private static string DecodeBody(BodyDecoder decoder, string input, int[] cuts, int take = int.MaxValue)
        {
            var buffer = new List<byte>();
            var body = new List<byte>();
            var pieces = new Queue<byte[]>(Pieces(Latin1.GetBytes(input), cuts));
            try
            {
                for (int steps = 0; steps < 100_000; steps++)
                {
                    bool end = pieces.Count == 0;
                    BodyStatus status = decoder.Decode(buffer.ToArray(), end, out int framing, out int window);
                    buffer.RemoveRange(0, framing);
                    switch (status)
                    {
                        case BodyStatus.Data:
                            Assert.InRange(window, 1, buffer.Count);
                            int n = Math.Min(window, take);
                            body.AddRange(buffer.Take(n));
                            buffer.RemoveRange(0, n);
                            decoder.Consumed(n);
                            break;
                        case BodyStatus.NeedMore:
                            Assert.False(end, "NeedMore at the end of the stream");
                            buffer.AddRange(pieces.Dequeue());
                            break;
                        default:
                            buffer.AddRange(pieces.SelectMany(p => p));
                            string how = decoder.IsTruncated ? "truncated" : status.ToString();
                            return $"{how} body={Latin1.GetString(body.ToArray())} rest={Latin1.GetString(buffer.ToArray())}";
                    }
                }
                throw new InvalidOperationException("the decoder did not finish");
            }
            catch (HttpException e)
            {
                return $"{Describe(e)} lostSync={decoder.LostSync}";
            }
        }

        public static IEnumerable<object[]> Bodies() => new[]
        {
            new object[] { "Content-Length: 5", "helloNEXT", "End body=hello rest=NEXT" },
            new object[] { "Content-Length: 5", "hel", "truncated body=hel rest=" },
            new object[] { "", "until the end", "End body=until the end rest=" },
            new object[] { "Transfer-Encoding: chunked", "5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nT: x\r\n\r\nNEXT", "Finished body=helloabc rest=NEXT" },
            new object[] { "Transfer-Encoding: chunked", "2\r\nok\r\n0\r\n", "Finished body=ok rest=" },
            new object[] { "Transfer-Encoding: chunked", "zz\r\n", "IncompleteReadException: IncompleteRead(0 bytes read) lostSync=True" },
            new object[] { "Transfer-Encoding: chunked", "5\r\nhel", "IncompleteReadException: IncompleteRead(0 bytes read) lostSync=False" },
            new object[] { "Transfer-Encoding: chunked", "2\r\nok\r", "IncompleteReadException: IncompleteRead(0 bytes read, 1 more expected) lostSync=False" },
            new object[] { "Transfer-Encoding: chunked\r\nContent-Length: 3", "1\r\nx\r\n0\r\n\r\n", "Finished body=x rest=" },
        };

        [Theory]
        [MemberData(nameof(Bodies))]
        public void Body_decodes_the_same_in_every_split_and_take_size(string headers, string input, string expected)
        {
            foreach (int[] cuts in Deliveries(input.Length))
            {
                Assert.Equal(expected, DecodeBody(Body(headers), input, cuts));
                Assert.Equal(expected, DecodeBody(Body(headers), input, cuts, take: 1));
            }
        }

        [Theory]
        [InlineData(204, false)]
        [InlineData(304, false)]
        [InlineData(101, false)]
        [InlineData(200, true)]
        public void No_body_framings_end_at_once_without_bytes(int status, bool isHead)
        {
            BodyDecoder decoder = Body("Content-Length: 10", status, isHead);
            Assert.Equal(0, decoder.Length);
            Assert.Equal("End body= rest=junk", DecodeBody(decoder, "junk", Array.Empty<int>()));
        }

        [Fact]
        public void Chunked_line_limits_raise_line_too_long_in_every_split()
        {
            var limits = new HttpConnectionLimits { MaxLineLength = 16 };
            string sizeLine = "1;" + new string('e', 20) + "\r\nx\r\n0\r\n\r\n";
            string trailer = "1\r\nx\r\n0\r\nT: " + new string('t', 20) + "\r\n\r\n";
            foreach (int[] cuts in Deliveries(sizeLine.Length))
            {
                Assert.Equal("LineTooLong: chunk size lostSync=False",
                    DecodeBody(Body("Transfer-Encoding: chunked", limits: limits), sizeLine, cuts));
            }
            foreach (int[] cuts in Deliveries(trailer.Length))
            {
                Assert.Equal("LineTooLong: trailer line lostSync=False",
                    DecodeBody(Body("Transfer-Encoding: chunked", limits: limits), trailer, cuts));
            }
        }

        [Fact]
        public void Direct_reads_are_booked_by_consumed()
        {
            // A caller may read up to DataRemaining bytes of the current frame straight from the stream.
            BodyDecoder decoder = Body("Content-Length: 100");
            Assert.Equal(100, decoder.DataRemaining);
            decoder.Consumed(60);
            Assert.Equal(40, decoder.Length);
            Assert.Equal("End body=0123456789012345678901234567890123456789 rest=",
                DecodeBody(decoder, "0123456789012345678901234567890123456789", Array.Empty<int>()));
        }
    }
}
