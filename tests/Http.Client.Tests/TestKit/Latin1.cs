using System.Text;

namespace Http.Client.Tests.TestKit;

/// <summary>Byte/char conversion where each char is one byte (Python's latin-1), for wire-level assertions.</summary>
public static class Latin1
{
    /// <summary>The bytes of <paramref name="text"/>, one per char (chars must be &lt;= U+00FF).</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>The text of <paramref name="bytes"/>, one char per byte.</summary>
    public static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>The text of <paramref name="bytes"/>, one char per byte.</summary>
    public static string Text(System.ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);
}
