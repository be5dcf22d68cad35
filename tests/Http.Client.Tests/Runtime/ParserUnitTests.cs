using System;
using System.Collections.Generic;
using System.Text;
using Http.Client.Internal;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>The response-head parser against CPython 3.11's parse_headers / _read_status (expected values from python3).</summary>
    public class ParserUnitTests
    {
        public static IEnumerable<object[]> HeaderBlocks() => new[]
        {
            new object[] { "A: b\rC: d\r\n\r\n", new[] { "A", "b", "C", "d" } },
            new object[] { "A: 1\r\n  cont\r\n\tcont2\r\n\r\n", new[] { "A", "1\r\n  cont\r\n\tcont2" } },
            new object[] { ": nval\r\nFirst: 1\r\nSecond: 2\r\n\r\n", new[] { "First", "1", "Second", "2" } },
            new object[] { "C:   3  \r\n\r\n", new[] { "C", "3  " } },
            new object[] { "Good: 1\r\nBadLine\r\nAfter: 2\r\n\r\n", new[] { "Good", "1" } },
            new object[] { " cont-first\r\nA: 1\r\n\r\n", new[] { "A", "1" } },
            new object[] { "From someone\r\nA: 1\r\n\r\n", new[] { "A", "1" } },
            new object[] { "A: 1\r\nFrom x: y\r\nB: 2\r\n\r\n", new[] { "A", "1", "B", "2" } },
            new object[] { "X:\r\n cont\r\n\r\n", new[] { "X", "\r\n cont" } },
            new object[] { "A: 1\r\r\nB: 2\r\n\r\n", new[] { "A", "1" } },
            new object[] { "Name : v\r\nB: 2\r\n\r\n", Array.Empty<string>() },
            new object[] { "X\x85Y: v\r\n\r\n", Array.Empty<string>() },
            new object[] { "A: \x85\x0b\x0c\xff\r\n\r\n", new[] { "A", "\x85\x0b\x0c\xff" } },
            new object[] { "A: 1\n B\nC: 2\n\n", new[] { "A", "1\n B", "C", "2" } },
            new object[] { "A:1\r\n : x\r\nB:2\r\n\r\n", new[] { "A", "1\r\n : x", "B", "2" } },
            new object[] { "First: val", new[] { "First", "val" } },
        };

        [Theory]
        [MemberData(nameof(HeaderBlocks))]
        public void Header_block_parses_like_cpython(string block, string[] expected)
        {
            HttpMessage message = HttpMessage.Parse(Encoding.Latin1.GetBytes(block));
            var flat = new List<string>();
            foreach (KeyValuePair<string, string> field in message)
            {
                flat.Add(field.Key);
                flat.Add(field.Value);
            }
            Assert.Equal(expected, flat);
        }

        [Fact]
        public void Known_header_names_reuse_the_interned_constant_only_when_the_case_matches()
        {
            HttpMessage message = HttpMessage.Parse("Content-Length: 1\r\ncontent-length: 2\r\n\r\n"u8);
            Assert.Same(HeaderNames.ContentLength, message[0].Key);
            Assert.Equal("content-length", message[1].Key);
            Assert.Equal("1", message["CONTENT-LENGTH"]);
            Assert.Equal(new[] { "1", "2" }, message.GetAll("Content-length"));
            Assert.Null(message["missing"]);
            Assert.Equal("d", message.Get("missing", "d"));
            Assert.True(message.Contains("content-LENGTH"));
            Assert.Empty(message.GetAll("missing"));
        }

        [Theory]
        [InlineData("HTTP/1.1 200 OK\r\n", "HTTP/1.1", 200, "OK")]
        [InlineData("HTTP/1.1  200   Very  Good  \r\n", "HTTP/1.1", 200, "Very  Good")]
        [InlineData("  HTTP/1.0 404\r\n", "HTTP/1.0", 404, "")]
        [InlineData("HTTP/1.1 999 x\r\n", "HTTP/1.1", 999, "x")]
        [InlineData("HTTP/1.1 200 OK\rX\r\n", "HTTP/1.1", 200, "OK\rX")]
        [InlineData("HTTP/1.1\t201\tCreated\r\n", "HTTP/1.1", 201, "Created")]
        [InlineData("HTTP/1.1 200 Ok", "HTTP/1.1", 200, "Ok")]
        public void Status_line_parses(string line, string version, int status, string reason)
        {
            var parsed = ResponseHeadDecoder.ParseStatusLine(Encoding.Latin1.GetBytes(line));
            Assert.Equal(version, parsed.Version);
            Assert.Equal(status, parsed.Status);
            Assert.Equal(reason, parsed.Reason);
        }

        [Theory]
        [InlineData("ICY 200 OK\r\n")]
        [InlineData("http/1.1 200 OK\r\n")]
        [InlineData("\r\n")]
        [InlineData("HTTP/1.1\r\n")]
        [InlineData("HTTP/1.1 099 x\r\n")]
        [InlineData("HTTP/1.1 1000 x\r\n")]
        [InlineData("HTTP/1.1 20 x\r\n")]
        [InlineData("HTTP/1.1 400.100 Not Ok\r\n")]
        [InlineData("HTTP/1.1 +200 x\r\n")]
        [InlineData("HTTP/1.1 2_00 x\r\n")]
        [InlineData("HTTP/1.1 0200 x\r\n")]
        [InlineData("<html>\r\n")]
        public void Bad_status_lines_carry_the_raw_line(string line)
        {
            var e = Assert.Throws<BadStatusLineException>(() => ResponseHeadDecoder.ParseStatusLine(Encoding.Latin1.GetBytes(line)));
            Assert.Equal(line, e.Line);
        }

        [Theory]
        [InlineData("HTTP/1.0", 10)]
        [InlineData("HTTP/0.9", 10)]
        [InlineData("HTTP/1.1", 11)]
        [InlineData("HTTP/1.2", 11)]
        [InlineData("HTTP/1.", 11)]
        [InlineData("HTTP/2.0", 0)]
        [InlineData("HTTP/", 0)]
        public void Versions_map_like_cpython(string version, int expected) =>
            Assert.Equal(expected, ResponseHeadDecoder.MapVersion(version));

        [Theory]
        [InlineData("a\r\n", 10L)]
        [InlineData("3;foo=bar\r\n", 3L)]
        [InlineData(" A \r\n", 10L)]
        [InlineData("\t1f\t;x\r\n", 31L)]
        [InlineData("0\r\n", 0L)]
        [InlineData("7fffffffffffffff\r\n", long.MaxValue)]
        [InlineData("0000000000000000001\r\n", 1L)]
        [InlineData("0x3\r\n", null)]
        [InlineData("+2\r\n", null)]
        [InlineData("-3\r\n", null)]
        [InlineData("1_0\r\n", null)]
        [InlineData("\r\n", null)]
        [InlineData("", null)]
        [InlineData("8000000000000000\r\n", null)]
        [InlineData("g\r\n", null)]
        public void Chunk_size_lines_follow_deviation_10(string line, long? expected) =>
            Assert.Equal(expected, BodyDecoder.ParseChunkSize(Encoding.Latin1.GetBytes(line)));

        [Theory]
        [Trait("Deviation", "33")]
        [InlineData("7", 7L)]
        [InlineData(" 7 ", 7L)]
        [InlineData("\t007", 7L)]
        [InlineData("0", 0L)]
        [InlineData("99999999999999999999999", null)]
        public void Content_length_is_digits(string text, long? expected) =>
            Assert.Equal(expected, BodyDecoder.ParseContentLength(text));

        [Theory]
        [Trait("Deviation", "33")]
        [InlineData("+7")]
        [InlineData("-0")]
        [InlineData("-1")]
        [InlineData("1_0")]
        [InlineData("abc")]
        [InlineData("")]
        [InlineData("7 7")]
        [InlineData("0x10")]
        public void Content_length_other_than_digits_is_an_error(string text)
        {
            var e = Assert.Throws<HttpException>(() => BodyDecoder.ParseContentLength(text));
            Assert.StartsWith("invalid Content-Length: ", e.Message);
        }
    }
}
