using System.Collections.Generic;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>
    /// Responses on one kept-alive connection share the previous response's header strings and array while the
    /// server repeats its lines (copy-on-write): each response's headers must still be exactly its own.
    /// </summary>
    public class HeaderReuseTests
    {
        private const string First = "HTTP/1.1 200 OK\r\nServer: s\r\nX-Id: 1\r\nContent-Length: 1\r\n\r\na";
        private const string Second = "HTTP/1.1 200 OK\r\nServer: s\r\nX-Id: 2\r\nX-New: n\r\nContent-Length: 1\r\n\r\nb";
        private const string Third = "HTTP/1.1 200 OK\r\nServer: s\r\nContent-Length: 1\r\n\r\nc";

        private static List<KeyValuePair<string, string>> Pairs(params string[] nameValues)
        {
            var pairs = new List<KeyValuePair<string, string>>();
            for (int i = 0; i < nameValues.Length; i += 2)
            {
                pairs.Add(new KeyValuePair<string, string>(nameValues[i], nameValues[i + 1]));
            }
            return pairs;
        }

        [Fact]
        public void Each_response_keeps_its_own_headers_when_the_next_one_differs()
        {
            using HttpConnection conn = TransportFactory.Repeating(First + Second + Third + First).CreateConnection();
            var messages = new List<HttpMessage>();
            for (int i = 0; i < 4; i++)
            {
                conn.Request("GET", "/");
                using HttpResponse response = conn.GetResponse();
                response.Read();
                messages.Add(response.Headers);
            }

            Assert.Equal(Pairs("Server", "s", "X-Id", "1", "Content-Length", "1"), messages[0]);
            Assert.Equal(Pairs("Server", "s", "X-Id", "2", "X-New", "n", "Content-Length", "1"), messages[1]);
            Assert.Equal(Pairs("Server", "s", "Content-Length", "1"), messages[2]);
            Assert.Equal(Pairs("Server", "s", "X-Id", "1", "Content-Length", "1"), messages[3]);
            // Identical lines are the same strings, not new copies.
            Assert.Same(messages[0]["Server"], messages[1]["Server"]);
        }

        [Fact]
        public void Adding_to_an_earlier_message_does_not_touch_a_later_one()
        {
            using HttpConnection conn = TransportFactory.Repeating(First + First).CreateConnection();
            conn.Request("GET", "/");
            HttpMessage earlier;
            using (HttpResponse response = conn.GetResponse())
            {
                response.Read();
                earlier = response.Headers;
            }
            conn.Request("GET", "/");
            using HttpResponse later = conn.GetResponse();
            later.Read();

            earlier.Add("X-Added", "e");
            later.Headers.Add("X-Later", "l");

            Assert.Equal(Pairs("Server", "s", "X-Id", "1", "Content-Length", "1", "X-Added", "e"), earlier);
            Assert.Equal(Pairs("Server", "s", "X-Id", "1", "Content-Length", "1", "X-Later", "l"), later.Headers);
        }
    }
}
