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

        // The headers of each of the first count responses the script answers on one kept-alive connection.
        private static List<HttpMessage> HeadersOfResponses(string script, int count)
        {
            using HttpConnection conn = TransportFactory.Repeating(script).CreateConnection();
            var messages = new List<HttpMessage>();
            for (int i = 0; i < count; i++)
            {
                conn.Request("GET", "/");
                using HttpResponse response = conn.GetResponse();
                response.Read();
                messages.Add(response.Headers);
            }
            return messages;
        }

        [Fact]
        public void Each_response_keeps_its_own_headers_when_the_next_one_differs()
        {
            List<HttpMessage> messages = HeadersOfResponses(First + Second + Third + First, 4);

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

        [Fact]
        public void A_repeated_head_reuses_every_name_and_value_string()
        {
            List<HttpMessage> messages = HeadersOfResponses(First + First, 2);

            Assert.Equal(3, messages[1].Count);
            for (int i = 0; i < messages[1].Count; i++)
            {
                Assert.Same(messages[0][i].Key, messages[1][i].Key);
                Assert.Same(messages[0][i].Value, messages[1][i].Value);
            }
        }

        [Fact]
        public void A_field_added_by_the_caller_is_never_taken_as_a_valid_name_of_the_next_head()
        {
            // "Bad Name" is no header name (a space): the line ends the next head's block even though the previous
            // message, edited by the caller, holds that very field at that position.
            const string Plain = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na";
            const string WithBadLine = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nBad Name: v\r\nX-After: 1\r\n\r\nb";
            using HttpConnection conn = TransportFactory.Repeating(Plain + WithBadLine).CreateConnection();
            conn.Request("GET", "/");
            using (HttpResponse response = conn.GetResponse())
            {
                response.Read();
                response.Headers.Add("Bad Name", "v");
            }
            conn.Request("GET", "/");
            using HttpResponse later = conn.GetResponse();
            Assert.Equal(Pairs("Content-Length", "1"), later.Headers);
            Assert.Equal("b", System.Text.Encoding.Latin1.GetString(later.Read()));
        }
    }
}
