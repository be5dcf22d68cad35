using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Http.Client.Fuzz;
using Xunit;

namespace Http.Client.Hostile.Tests;

/// <summary>
/// Replays fuzz/regressions/ (every fuzz finding, the hostile replies, a sample of the seed corpus) through the
/// fuzz target: each input ends in a response or a documented exception, within its time and allocation bounds, with
/// the same outcome in its read splits as whole.
/// </summary>
public class FuzzRegressionTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "fuzz-regressions");

    public static IEnumerable<object[]> Inputs() =>
        System.IO.Directory.EnumerateFiles(Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(name => new object[] { name! });

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Regression_input_passes_the_fuzz_target(string name)
    {
        string? finding = ResponseTarget.RunBounded(File.ReadAllBytes(Path.Combine(Directory, name)), TimeSpan.FromSeconds(30));
        Assert.True(finding is null, $"{name}: {finding}");
    }

    [Fact]
    public void The_regression_corpus_is_there()
    {
        Assert.True(Inputs().Count() >= 20, $"fuzz/regressions/ was not copied to {Directory}");
    }

    /// <summary>The target's checks fire: a reply whose body a HEAD request must not see is not a finding, the
    /// same reply's body under GET is read, and the outcome names both.</summary>
    [Fact]
    public void The_target_reports_outcomes_and_read_contracts()
    {
        byte[] reply = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"u8.ToArray();
        string get = ResponseTarget.Run(ResponseTarget.Encode(api: 1, flags: 0, amount: 2, new byte[] { 1 }, reply));
        Assert.Contains("200 OK v11 keep", get);
        Assert.Contains("body 5/", get);
        string head = ResponseTarget.Run(ResponseTarget.Encode(api: 0, flags: 2, amount: 2, ReadOnlySpan<byte>.Empty, reply));
        Assert.Contains("body 0/", head);
        string truncated = ResponseTarget.Run(ResponseTarget.Encode(api: 0, flags: 1, amount: 2, new byte[] { 3 }, reply.AsSpan(0, reply.Length - 2)));
        Assert.Contains("IncompleteReadException: IncompleteRead(3 bytes read, 2 more expected)", truncated);
    }
}
