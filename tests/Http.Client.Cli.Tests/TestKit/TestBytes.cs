using System;

namespace Http.Client.Cli.Tests.TestKit;

/// <summary>Reproducible test payloads.</summary>
internal static class TestBytes
{
    /// <summary><paramref name="length"/> pseudo-random bytes (every byte value, invalid UTF-8 included), the same for the same seed.</summary>
    public static byte[] Random(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }
}
