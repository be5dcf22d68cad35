using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace Http.Client.Generator.Tests
{
    /// <summary>
    /// Random spec files built from tricky pieces (quotes, braces, keywords, clashing names, bad tokens): the
    /// generator never throws, and whatever it accepts without a diagnostic compiles without errors or warnings.
    /// </summary>
    public sealed class GeneratedCodePropertyTests
    {
        /// <summary>Files per kind; each is compiled, so this bounds the test's time (a few seconds).</summary>
        private const int FilesPerKind = 60;

        /// <summary>Fixed seed: a failure reproduces; the failing text is in the message.</summary>
        private const int Seed = 20251128;

        private readonly ITestOutputHelper _output;

        public GeneratedCodePropertyTests(ITestOutputHelper output) => _output = output;

        // Each field draws from a pool of good pieces, and now and then (BadChance) from a pool of faulty ones, so
        // about half the files are accepted. "Good" pieces still include the awkward: quotes, braces, keywords as
        // parameter names, generics, nullable and array types.
        private const double BadChance = 0.06;

        private static readonly string[] StatusValues = { "100", "204", "404", "451", "599", "999" };
        private static readonly string[] BadStatusValues = { "99", "1000", "4x4", "404" };
        private static readonly string[] PythonNames = { "NOT_FOUND", "OK", "IM_A_TEAPOT", "GONE", "A1", "X" };
        private static readonly string[] BadPythonNames = { "class", "A-B", "_", "VALUE__", "NOT_FOUND" };
        private static readonly string[] CSharpNames = { "", "", "", " as OK", " as Foo", " as Message" };
        private static readonly string[] BadCSharpNames = { " as class", " as 1x", " as StatusCodes", " as HttpStatus" };
        private static readonly string[] Texts = { "Not Found", "Say \"hi\"", "a\\b", "{x}", "<b>&amp;", "", "I'm a Teapot", "\\\"", "#hash", "x}}{" };
        private static readonly string[] BadTexts = { "tab\there", "bell\u0007" };
        private static readonly string[] ClassNames = { "AException", "BException", "CException", "DException", "Ex" };
        private static readonly string[] BadClassNames = { "class", "1X" };
        private static readonly string[] Bases = { "System.Exception", "System.IO.IOException", "AException", "BException", "System.InvalidOperationException" };
        private static readonly string[] BadBases = { "Missing", "Http..X" };
        private static readonly string[] Properties =
        {
            "", "", "", "string Name", "int Code = 3", "string? State = null", "byte[] Data", "long? Expected = null", "string Name, int Code",
            "object Tag", "System.Guid Id", "int Class", "System.Collections.Generic.Dictionary<int, string> Map", "double Ratio = -1.5",
            "string Text = \"a\\\"b\"", "bool Event = true",
        };

        private static readonly string[] BadProperties = { "int", "string Message", "string Name, string Name", "str!ng Name", "int Code = Code" };
        private static readonly string[] Messages = { "\"{Name}\"", "\"x {{y}} \\ \" z\"", "\"{Code} and {Name}\"", "\"{Class}\"", "\"{State}\"", "\"\"", "\"{Tag} {Id} {Map} {Ratio} {Text} {Event} {Data} {Expected}\"" };
        private static readonly string[] BadMessages = { "\"{\"", "bad", "custom" };
        private static readonly string[] HeaderNames = { "Content-Type", "X-Foo", "ETag", "X.Y_Z", "Accept", "~", "X-Message", "A1-B2", "x-lower" };
        private static readonly string[] BadHeaderNames = { "content-type", "Try-Get-Known", "1-Way", "A b", "X-\"Q\"" };

        private static string Pick(Random random, string[] good, string[] bad)
            => random.NextDouble() < BadChance ? bad[random.Next(bad.Length)] : good[random.Next(good.Length)];

        private static string StatusFile(Random random)
        {
            var lines = new List<string> { "namespace Fuzz" };
            for (int i = random.Next(1, 5); i > 0; i--)
            {
                lines.Add(random.Next(6) == 0
                    ? $"alias {Pick(random, StatusValues, BadStatusValues)} {Pick(random, PythonNames, BadPythonNames)}{Pick(random, CSharpNames, BadCSharpNames)}"
                    : $"{Pick(random, StatusValues, BadStatusValues)} {Pick(random, PythonNames, BadPythonNames)}{Pick(random, CSharpNames, BadCSharpNames)} | {Pick(random, Texts, BadTexts)} | {Pick(random, Texts, BadTexts)}");
            }

            return string.Join("\n", lines);
        }

        private static string ExceptionFile(Random random)
        {
            var lines = new List<string> { "namespace Fuzz" };
            for (int i = random.Next(1, 5); i > 0; i--)
            {
                string properties = Pick(random, Properties, BadProperties);
                string message = properties.Length == 0 ? (random.NextDouble() < BadChance ? Pick(random, Messages, BadMessages) : string.Empty) : Pick(random, Messages, BadMessages);
                lines.Add($"{Pick(random, ClassNames, BadClassNames)} : {Pick(random, Bases, BadBases)} | {properties} | {message} | {Pick(random, Texts, BadTexts)}");
            }

            return string.Join("\n", lines);
        }

        private static string HeaderFile(Random random)
        {
            var lines = new List<string> { "namespace Fuzz" };
            for (int i = random.Next(1, 5); i > 0; i--)
            {
                lines.Add(random.Next(2) == 0 ? Pick(random, HeaderNames, BadHeaderNames) : $"{Pick(random, HeaderNames, BadHeaderNames)} | {Pick(random, Texts, BadTexts)}");
            }

            return string.Join("\n", lines);
        }

        [Fact]
        public void WhateverTheGeneratorAcceptsCompilesCleanly()
        {
            var random = new Random(Seed);
            var kinds = new (string File, Func<Random, string> Make)[] { ("status.spec", StatusFile), ("exceptions.spec", ExceptionFile), ("headers.spec", HeaderFile) };
            int accepted = 0;
            int rejected = 0;
            foreach ((string file, Func<Random, string> make) in kinds)
            {
                for (int i = 0; i < FilesPerKind; i++)
                {
                    string text = make(random);
                    (GeneratorDriverRunResult result, Compilation output, ImmutableArray<Diagnostic> diagnostics) =
                        GeneratorHarness.Run(new[] { new InMemoryAdditionalText("/fuzz/" + file, text) });

                    Assert.True(result.Results[0].Exception is null, $"generator threw on:\n{text}\n{result.Results[0].Exception}");
                    if (!result.Diagnostics.IsEmpty)
                    {
                        rejected++;
                        Assert.Empty(result.Results[0].GeneratedSources);
                        continue;
                    }

                    accepted++;
                    Diagnostic[] problems = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
                    Assert.True(problems.Length == 0, $"accepted spec does not compile cleanly:\n{text}\n{string.Join("\n", problems.Select(p => p.ToString()))}");
                }
            }

            _output.WriteLine($"{accepted} accepted, {rejected} rejected");

            // Both sides of the property are exercised: the pools are built so that many files pass and many fail.
            Assert.True(accepted >= 20, $"only {accepted} files were accepted");
            Assert.True(rejected >= 20, $"only {rejected} files were rejected");
        }
    }
}
