using System.Text;
using Http.Client.Internal;
using Xunit;

namespace Http.Client.Tests.Runtime
{
    /// <summary>Python repr() reproductions (expected values printed by python3 3.11).</summary>
    public class PythonReprTests
    {
        [Theory]
        [InlineData("GET\r", "'GET\\r'")]
        [InlineData("it's", "\"it's\"")]
        [InlineData("both ' and \"", "'both \\' and \"'")]
        [InlineData("tab\there\\", "'tab\\there\\\\'")]
        [InlineData("\x00\x1f\x7f", "'\\x00\\x1f\\x7f'")]
        [InlineData("\x85\xa0\xad\xe9", "'\\x85\\xa0\\xad\u00e9'")]
        [InlineData("\u0101\u2028\u200b", "'\u0101\\u2028\\u200b'")]
        [InlineData("\ud83d\ude00", "'\ud83d\ude00'")]
        [InlineData("\U000e0001x", "'\\U000e0001x'")]
        [InlineData("", "''")]
        public void String_repr(string value, string expected) => Assert.Equal(expected, PythonRepr.String(value));

        [Fact]
        public void Lone_surrogate_is_escaped() => Assert.Equal("'\\ud800'", PythonRepr.String(new string((char)0xd800, 1)));

        [Theory]
        [InlineData(" X", "b' X'")]
        [InlineData("a\r\n", "b'a\\r\\n'")]
        [InlineData("\xa0\xff\x00", "b'\\xa0\\xff\\x00'")]
        [InlineData("it's", "b\"it's\"")]
        [InlineData("'\"", "b'\\'\"'")]
        public void Bytes_repr(string latin1, string expected) =>
            Assert.Equal(expected, PythonRepr.Bytes(Encoding.Latin1.GetBytes(latin1)));

        [Fact]
        public void Bytes_list_repr() =>
            Assert.Equal("[b'X-A: 1\\r\\n', b'\\r\\n']", PythonRepr.BytesList(new[] { Encoding.Latin1.GetBytes("X-A: 1\r\n"), Encoding.Latin1.GetBytes("\r\n") }));

        [Fact]
        public void Bytes_list_repr_shows_a_null_item_as_empty() => Assert.Equal("[b'a', b'']", PythonRepr.BytesList(new[] { "a"u8.ToArray(), null! }));

        [Theory]
        [InlineData("caf\u00e9", 3, "'\\xe9'")]
        [InlineData("\u0101", 0, "'\\u0101'")]
        [InlineData("a\ud83d\ude00", 1, "'\\U0001f600'")]
        public void Codec_character(string text, int index, string expected) => Assert.Equal(expected, PythonRepr.CodecCharacter(text, index));
    }
}
