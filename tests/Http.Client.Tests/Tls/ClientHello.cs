using System;
using System.Collections.Generic;
using System.Text;

namespace Http.Client.Tests.Tls;

/// <summary>
/// The parts of a TLS ClientHello the tests check, parsed from the raw bytes a loopback server received:
/// the SNI host name, the ALPN protocols offered and the TLS versions offered. Reading the wire shows
/// what the client really sends, which no server-side API reports for a handshake the client aborts.
/// </summary>
internal sealed record ClientHello(string? ServerName, IReadOnlyList<string> AlpnProtocols, IReadOnlyList<int> SupportedVersions)
{
    private const byte HandshakeRecord = 22;
    private const byte ClientHelloMessage = 1;
    private const int ServerNameExtension = 0;
    private const int AlpnExtension = 16;
    private const int SupportedVersionsExtension = 43;
    private const int HostNameType = 0;

    /// <summary>TLS 1.2's wire version.</summary>
    public const int Tls12 = 0x0303;

    /// <summary>TLS 1.3's wire version.</summary>
    public const int Tls13 = 0x0304;

    /// <summary>
    /// Parses the ClientHello at the start of <paramref name="wire"/> (it may span several handshake records).
    /// </summary>
    /// <exception cref="FormatException">The bytes do not start with a complete ClientHello.</exception>
    public static ClientHello Parse(ReadOnlySpan<byte> wire)
    {
        // Concatenate handshake-record payloads until the ClientHello message is complete.
        var message = new List<byte>();
        var offset = 0;
        int? messageLength = null;
        while (messageLength is null || message.Count < messageLength + 4)
        {
            if (wire.Length < offset + 5)
            {
                throw new FormatException($"Truncated TLS record header at {offset} of {wire.Length} bytes.");
            }
            if (wire[offset] != HandshakeRecord)
            {
                throw new FormatException($"Expected a handshake record (22), got record type {wire[offset]}.");
            }
            var recordLength = (wire[offset + 3] << 8) | wire[offset + 4];
            if (wire.Length < offset + 5 + recordLength)
            {
                throw new FormatException("Truncated TLS record.");
            }
            message.AddRange(wire.Slice(offset + 5, recordLength).ToArray());
            offset += 5 + recordLength;
            if (messageLength is null && message.Count >= 4)
            {
                if (message[0] != ClientHelloMessage)
                {
                    throw new FormatException($"Expected a ClientHello (1), got handshake type {message[0]}.");
                }
                messageLength = (message[1] << 16) | (message[2] << 8) | message[3];
            }
        }

        var reader = new Reader(message.ToArray().AsSpan(4, messageLength!.Value).ToArray());
        reader.Skip(2 + 32);              // legacy_version, random
        reader.Skip(reader.U8());         // legacy_session_id
        reader.Skip(reader.U16());        // cipher_suites
        reader.Skip(reader.U8());         // legacy_compression_methods
        string? serverName = null;
        var alpn = new List<string>();
        var versions = new List<int>();
        if (reader.Remaining > 0)
        {
            var extensions = reader.Sub(reader.U16());
            while (extensions.Remaining > 0)
            {
                var type = extensions.U16();
                var data = extensions.Sub(extensions.U16());
                switch (type)
                {
                    case ServerNameExtension:
                        var names = data.Sub(data.U16());
                        while (names.Remaining > 0)
                        {
                            var nameType = names.U8();
                            var name = names.Bytes(names.U16());
                            if (nameType == HostNameType)
                            {
                                serverName = Encoding.ASCII.GetString(name);
                            }
                        }
                        break;
                    case AlpnExtension:
                        var protocols = data.Sub(data.U16());
                        while (protocols.Remaining > 0)
                        {
                            alpn.Add(Encoding.ASCII.GetString(protocols.Bytes(protocols.U8())));
                        }
                        break;
                    case SupportedVersionsExtension:
                        var list = data.Sub(data.U8());
                        while (list.Remaining > 0)
                        {
                            versions.Add(list.U16());
                        }
                        break;
                }
            }
        }
        return new ClientHello(serverName, alpn, versions);
    }

    private sealed class Reader(byte[] data)
    {
        private int _position;

        public int Remaining => data.Length - _position;

        public int U8() => Bytes(1)[0];

        public int U16()
        {
            var b = Bytes(2);
            return (b[0] << 8) | b[1];
        }

        public byte[] Bytes(int count)
        {
            if (count > Remaining)
            {
                throw new FormatException($"ClientHello field of {count} bytes overruns its container ({Remaining} left).");
            }
            var result = data.AsSpan(_position, count).ToArray();
            _position += count;
            return result;
        }

        public void Skip(int count) => Bytes(count);

        public Reader Sub(int count) => new(Bytes(count));
    }
}
