using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using Http;
using Xunit;

namespace Http.Client.Tests.Generated
{
    /// <summary>HeaderNames constants and the allocation-free, case-insensitive TryGetKnown.</summary>
    public sealed class HeaderNamesTests
    {
        private static IReadOnlyList<string> AllNames { get; } = typeof(HeaderNames)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        private static bool Lookup(string name, out string? known) => HeaderNames.TryGetKnown(Encoding.Latin1.GetBytes(name), out known);

        [Fact]
        public void TheContractConstantsExist()
        {
            string[] contract =
            {
                HeaderNames.Host, HeaderNames.AcceptEncoding, HeaderNames.Connection, HeaderNames.ContentLength, HeaderNames.ContentType,
                HeaderNames.KeepAlive, HeaderNames.ProxyConnection, HeaderNames.TransferEncoding, HeaderNames.ProxyAuthorization,
            };
            Assert.Equal(
                new[] { "Host", "Accept-Encoding", "Connection", "Content-Length", "Content-Type", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Proxy-Authorization" },
                contract);
        }

        [Fact]
        public void TheTableCoversTheRfcsAndCommonRegisteredFields()
        {
            string[] expected =
            {
                "Accept", "Age", "Authorization", "Cache-Control", "Content-Range", "ETag", "Expect", "If-None-Match", "Location",
                "Retry-After", "TE", "Trailer", "Upgrade", "Vary", "Via", "WWW-Authenticate", "Proxy-Authenticate",
                "Proxy-Authentication-Info", "Sec-WebSocket-Key", "Sec-Fetch-Mode", "Origin", "Access-Control-Allow-Origin",
                "Access-Control-Request-Method", "Cookie", "Set-Cookie", "Strict-Transport-Security",
            };
            Assert.All(expected, name => Assert.Contains(name, AllNames));
            Assert.Equal(AllNames.Count, AllNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }

        [Fact]
        public void EveryNameIsFoundInAnyCaseAsTheInternedConstant()
        {
            foreach (string name in AllNames)
            {
                foreach (string spelling in new[] { name, name.ToLowerInvariant(), name.ToUpperInvariant(), Alternate(name) })
                {
                    Assert.True(Lookup(spelling, out string? known), spelling);
                    Assert.Same(string.Intern(name), known); // the ldstr of the const, not a copy
                }
            }
        }

        private static string Alternate(string name)
        {
            var chars = name.ToCharArray();
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = i % 2 == 0 ? char.ToLowerInvariant(chars[i]) : char.ToUpperInvariant(chars[i]);
            }

            return new string(chars);
        }

        [Theory]
        [InlineData("")]
        [InlineData("X")]
        [InlineData("X-Unknown-Header")]
        [InlineData("Content-Type ")]
        [InlineData(" Content-Type")]
        [InlineData("Content_Type")]
        [InlineData("Content-Typ")]
        [InlineData("Content-Types")]
        [InlineData("Content\rType")]
        [InlineData("Hos\u00f4")]
        public void UnknownNamesAreNotFound(string name)
        {
            Assert.False(Lookup(name, out string? known));
            Assert.Null(known);
        }

        [Fact]
        public void NoOneByteChangeMatchesExceptALetterCaseChange()
        {
            // Every known name with every position replaced by every byte value: only the same letter in the other case
            // may still match this name (a change may legitimately spell another known name; then it must be that one).
            var known = new HashSet<string>(AllNames, StringComparer.OrdinalIgnoreCase);
            foreach (string name in AllNames)
            {
                byte[] bytes = Encoding.ASCII.GetBytes(name);
                for (int position = 0; position < bytes.Length; position++)
                {
                    byte original = bytes[position];
                    for (int value = 0; value < 256; value++)
                    {
                        bytes[position] = (byte)value;
                        bool found = HeaderNames.TryGetKnown(bytes, out string? match);
                        string spelled = Encoding.Latin1.GetString(bytes);
                        bool shouldMatch = known.Contains(spelled) && spelled.All(c => c < 0x80);
                        Assert.True(found == shouldMatch, $"{name}: byte {value:X2} at {position} gave {found}");
                        if (found)
                        {
                            Assert.Equal(spelled, match, StringComparer.OrdinalIgnoreCase);
                        }
                    }

                    bytes[position] = original;
                }
            }
        }

        [Fact]
        public void LookupsAllocateNothing()
        {
            byte[][] inputs = AllNames.Select(n => Encoding.ASCII.GetBytes(n.ToLowerInvariant())).Append(Encoding.ASCII.GetBytes("x-unknown")).ToArray();
            foreach (byte[] input in inputs)
            {
                HeaderNames.TryGetKnown(input, out _); // warm up (JIT, statics)
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            int found = 0;
            for (int round = 0; round < 100; round++)
            {
                foreach (byte[] input in inputs)
                {
                    found += HeaderNames.TryGetKnown(input, out _) ? 1 : 0;
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(100 * AllNames.Count, found);
            Assert.Equal(0, allocated);
        }
    }
}
