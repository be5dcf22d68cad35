using System.Linq;
using System.Collections.Generic;
using System.IO;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>Debug lines compared with what CPython 3.11 prints for the same exchange (behavior.md F).</summary>
    public class DebugOutputRuntimeTests
    {
        [Fact]
        public void Chunked_list_body_with_100_continue_matches_cpython()
        {
            using HttpConnection conn = TransportFactory.Repeating(
                "HTTP/1.1 100 Continue\r\nX-A: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\nB: 2\r\n\r\nabc").CreateConnection();
            var output = new StringWriter { NewLine = "\n" };
            conn.DebugOutput = output;
            conn.SetDebugLevel(1);
            conn.Request("POST", "/p", RequestBody.FromChunks(new List<byte[]> { "a"u8.ToArray(), new byte[0], "b"u8.ToArray() }));
            using HttpResponse response = conn.GetResponse();
            response.Read();
            Assert.Equal(
                "Unable to determine size of [b'a', b'', b'b']\n" +
                "send: b'POST /p HTTP/1.1\\r\\nHost: example.com\\r\\nAccept-Encoding: identity\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n'\n" +
                "send: b'1\\r\\na\\r\\n'\n" +
                "Zero length chunk ignored\n" +
                "send: b'1\\r\\nb\\r\\n'\n" +
                "send: b'0\\r\\n\\r\\n'\n" +
                "reply: 'HTTP/1.1 100 Continue\\r\\n'\n" +
                "headers: [b'X-A: 1\\r\\n', b'\\r\\n']\n" +
                "reply: 'HTTP/1.1 200 OK\\r\\n'\n" +
                "header: Content-Length: 3\n" +
                "header: B: 2\n",
                output.ToString());
        }

        [Fact]
        public void Small_body_is_one_write_but_two_debug_sends()
        {
            var transports = TransportFactory.Repeating("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            using HttpConnection conn = transports.CreateConnection();
            var output = new StringWriter { NewLine = "\n" };
            conn.DebugOutput = output;
            conn.DebugLevel = 1;
            conn.Request("PUT", "/q", "xyz"u8.ToArray(), new[] { new KeyValuePair<string, string>("A", "1") });
            using HttpResponse response = conn.GetResponse();
            Assert.Equal(
                "send: b'PUT /q HTTP/1.1\\r\\nHost: example.com\\r\\nAccept-Encoding: identity\\r\\nContent-Length: 3\\r\\nA: 1\\r\\n\\r\\n'\n" +
                "send: b'xyz'\n" +
                "reply: 'HTTP/1.1 200 OK\\r\\n'\n" +
                "header: Content-Length: 0\n",
                output.ToString());
            Assert.Single(transports.Transports[0].Writes);
        }

        [Fact]
        public void Stream_body_reads_a_readable_and_sends_blocks()
        {
            var transports = TransportFactory.Repeating("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            using HttpConnection conn = transports.CreateConnection();
            var output = new StringWriter { NewLine = "\n" };
            conn.DebugOutput = output;
            conn.SetDebugLevel(1);
            conn.Request("PUT", "/q", new MemoryStream("xyz"u8.ToArray()));
            string text = output.ToString();
            Assert.StartsWith("Unable to determine size of ", text, System.StringComparison.Ordinal);
            Assert.EndsWith(
                "send: b'PUT /q HTTP/1.1\\r\\nHost: example.com\\r\\nAccept-Encoding: identity\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n'\n" +
                "reading a readable\n" +
                "send: b'3\\r\\nxyz\\r\\n'\n" +
                "send: b'0\\r\\n\\r\\n'\n",
                text, System.StringComparison.Ordinal);
            Assert.Equal(3, transports.Transports[0].Writes.Count);
        }

        [Fact]
        public void Piece_written_in_blocks_is_one_send_line_quoted_over_all_its_parts()
        {
            // The chunk goes out as size line, 3 block writes and CRLF; CPython sends (and shows) it as one byte string,
            // whose quote depends on every part: the ' in the data makes it b"...".
            var transports = TransportFactory.Repeating("");
            using HttpConnection conn = transports.CreateConnection(blockSize: 4);
            var output = new StringWriter { NewLine = "\n" };
            conn.DebugOutput = output;
            conn.DebugLevel = 1;
            conn.PutRequest("POST", "/");
            conn.EndHeaders(RequestBody.FromChunks(new[] { "ab'cdefgh\x01"u8.ToArray() }), encodeChunked: true);
            string[] lines = output.ToString().Split('\n');
            Assert.Equal("send: b\"A\\r\\nab'cdefgh\\x01\\r\\n\"", lines[1]);
            Assert.Equal("send: b'0\\r\\n\\r\\n'", lines[2]);
            Assert.Equal(new[] { "ab'c", "defg", "h\x01" }, transports.Transports[0].Writes.Skip(2).Take(3).Select(w => System.Text.Encoding.Latin1.GetString(w)));
        }
    }
}
