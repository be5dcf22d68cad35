using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using Http;
using Xunit;

namespace Http.Client.Tests.Generated
{
    /// <summary>The generated status API against CPython 3.11's http.HTTPStatus (checked-in expectation).</summary>
    public sealed class StatusApiTests
    {
        private const int CPythonMemberCount = 62;

        private sealed record CPythonStatus(int Value, string Name, string Phrase, string Description);

        private static readonly Lazy<IReadOnlyList<CPythonStatus>> s_cpython = new Lazy<IReadOnlyList<CPythonStatus>>(LoadCPython);

        private static IReadOnlyList<CPythonStatus> CPython => s_cpython.Value;

        private static IReadOnlyList<CPythonStatus> LoadCPython()
        {
            // Written by python3 3.11.7 (command in the file's header); found from the test binaries by walking up to Gen.sln.
            DirectoryInfo? dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gen.sln")))
            {
                dir = dir.Parent;
            }

            Assert.NotNull(dir);
            string path = Path.Combine(dir!.FullName, "tests", "Http.Client.Tests", "Generated", "cpython-3.11-http-status.tsv");
            return File.ReadAllLines(path)
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line => line.Split('\t'))
                .Select(f => new CPythonStatus(int.Parse(f[0], CultureInfo.InvariantCulture), f[1], f[2], f[3]))
                .ToList();
        }

        private static string CSharpName(string pythonName)
            => pythonName == "OK"
                ? "OK"
                : string.Concat(pythonName.Split('_').Select(part => part.Substring(0, 1) + part.Substring(1).ToLowerInvariant()));

        [Fact]
        public void TheExpectationHoldsAllOfCPythonsMembers()
        {
            Assert.Equal(CPythonMemberCount, CPython.Count);
        }

        [Fact]
        public void EveryCPythonMemberHasItsEnumMemberConstantPhraseAndDescription()
        {
            foreach (CPythonStatus expected in CPython)
            {
                string name = CSharpName(expected.Name);
                Assert.True(Enum.TryParse(name, out HttpStatus status), $"HttpStatus.{name} is missing");
                Assert.Equal(expected.Value, (int)status);

                var value = (HttpStatus)expected.Value;
                Assert.Equal(expected.Phrase, value.Phrase());
                Assert.Equal(expected.Description, value.Description());
                Assert.Equal(expected.Phrase, ReasonPhrases.Get(expected.Value));

                FieldInfo? constant = typeof(StatusCodes).GetField(name);
                Assert.NotNull(constant);
                Assert.True(constant!.IsLiteral, $"StatusCodes.{name} is not a const");
                Assert.Equal(expected.Value, constant.GetRawConstantValue());
            }
        }

        [Fact]
        public void ReasonPhrasesAllEqualsCPythonsResponsesInOrder()
        {
            Assert.Equal(CPythonMemberCount, ReasonPhrases.All.Count);
            Assert.Equal(
                CPython.Select(s => new KeyValuePair<int, string>(s.Value, s.Phrase)),
                ReasonPhrases.All);
        }

        [Fact]
        public void NamesFollowDotNetConventions()
        {
            Assert.Equal(200, (int)HttpStatus.OK);
            Assert.Equal(418, (int)HttpStatus.ImATeapot);
            Assert.Equal(226, (int)HttpStatus.ImUsed);
            Assert.Equal(404, (int)HttpStatus.NotFound);
            Assert.Equal(505, (int)HttpStatus.HttpVersionNotSupported);
            Assert.Equal("I'm a Teapot", HttpStatus.ImATeapot.Phrase());
        }

        [Fact]
        public void Rfc9110NamesAreAliasesThatKeepCPython311sPhrase()
        {
            Assert.Equal(HttpStatus.RequestEntityTooLarge, HttpStatus.ContentTooLarge);
            Assert.Equal(HttpStatus.RequestUriTooLong, HttpStatus.UriTooLong);
            Assert.Equal(HttpStatus.RequestedRangeNotSatisfiable, HttpStatus.RangeNotSatisfiable);
            Assert.Equal(HttpStatus.UnprocessableEntity, HttpStatus.UnprocessableContent);
            Assert.Equal(413, StatusCodes.ContentTooLarge);
            Assert.Equal(422, StatusCodes.UnprocessableContent);
            Assert.Equal("Request Entity Too Large", HttpStatus.ContentTooLarge.Phrase());
            Assert.Equal("Unprocessable Entity", HttpStatus.UnprocessableContent.Phrase());

            // 62 values, 66 names: the aliases add names, not entries.
            Assert.Equal(CPythonMemberCount, Enum.GetValues<HttpStatus>().Distinct().Count());
            Assert.Equal(CPythonMemberCount + 4, Enum.GetNames<HttpStatus>().Length);
        }

        [Theory]
        [InlineData(int.MinValue)]
        [InlineData(-1)]
        [InlineData(0)]
        [InlineData(99)]
        [InlineData(104)]
        [InlineData(299)]
        [InlineData(306)]
        [InlineData(512)]
        [InlineData(599)]
        [InlineData(600)]
        [InlineData(999)]
        [InlineData(int.MaxValue)]
        public void UnknownCodesHaveNoPhrase(int code)
        {
            Assert.Null(ReasonPhrases.Get(code));
            Assert.False(ReasonPhrases.All.ContainsKey(code));
            Assert.Throws<ArgumentOutOfRangeException>(() => ((HttpStatus)code).Phrase());
            Assert.Throws<ArgumentOutOfRangeException>(() => ((HttpStatus)code).Description());
        }

        [Theory]
        [InlineData(StatusCodes.OK, "OK")]
        [InlineData(StatusCodes.NotFound, "Not Found")]
        [InlineData(StatusCodes.ImATeapot, "I'm a Teapot")]
        [InlineData(StatusCodes.NetworkAuthenticationRequired, "Network Authentication Required")]
        public void ConstantsWorkInAttributes(int code, string phrase)
        {
            Assert.Equal(phrase, ReasonPhrases.Get(code));
        }

        [AttributeUsage(AttributeTargets.Method)]
        private sealed class ExpectsStatusAttribute : Attribute
        {
            public ExpectsStatusAttribute(int status) => Status = status;

            public int Status { get; }
        }

        [ExpectsStatus(StatusCodes.Gone)]
        private static void MarkedMethod()
        {
        }

        [Fact]
        public void ConstantsWorkInCustomAttributesAndConstantExpressions()
        {
            const int FirstClientError = StatusCodes.BadRequest;
            Assert.Equal(400, FirstClientError);
            Action marked = MarkedMethod;
            Assert.Equal(410, marked.Method.GetCustomAttribute<ExpectsStatusAttribute>()!.Status);
        }

        private static string Classify(int code) => code switch
        {
            StatusCodes.OK => "ok",
            StatusCodes.NotModified => "cached",
            StatusCodes.NotFound or StatusCodes.Gone => "missing",
            StatusCodes.TooManyRequests => "slow down",
            _ => "other",
        };

        [Fact]
        public void ConstantsWorkInSwitchLabels()
        {
            Assert.Equal("ok", Classify(200));
            Assert.Equal("cached", Classify(304));
            Assert.Equal("missing", Classify(404));
            Assert.Equal("missing", Classify(410));
            Assert.Equal("slow down", Classify(429));
            Assert.Equal("other", Classify(500));
        }

        [Theory]
        [InlineData(99, "")]
        [InlineData(100, "informational")]
        [InlineData(199, "informational")]
        [InlineData(200, "success")]
        [InlineData(299, "success")]
        [InlineData(300, "redirection")]
        [InlineData(399, "redirection")]
        [InlineData(400, "client")]
        [InlineData(499, "client")]
        [InlineData(500, "server")]
        [InlineData(599, "server")]
        [InlineData(600, "")]
        public void StatusClassesCoverTheirHundredAndNothingElse(int code, string expected)
        {
            var status = (HttpStatus)code;
            Assert.Equal(expected == "informational", status.IsInformational());
            Assert.Equal(expected == "success", status.IsSuccess());
            Assert.Equal(expected == "redirection", status.IsRedirection());
            Assert.Equal(expected == "client", status.IsClientError());
            Assert.Equal(expected == "server", status.IsServerError());
        }

        [Fact]
        public void EveryDefinedStatusIsInExactlyOneClass()
        {
            foreach (HttpStatus status in Enum.GetValues<HttpStatus>())
            {
                bool[] classes = { status.IsInformational(), status.IsSuccess(), status.IsRedirection(), status.IsClientError(), status.IsServerError() };
                Assert.Equal(1, classes.Count(c => c));
                Assert.True(classes[((int)status / 100) - 1]);
            }
        }
    }
}
