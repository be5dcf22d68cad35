using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace Http.Client.Tests.Ported;

/// <summary>
/// Ports of CPython 3.11 test_httplib.OfflineTest (test_responses, test_client_constants) and
/// BasicTest.test_simple_httpstatus. The status tables are generator output (spec/), so they are reached by
/// reflection: this file compiles whatever the generator emits, and a missing or wrong table fails here.
/// Not ported: OfflineTest.test_all (Python's __all__ introspection; catalogue: SKIP).
/// </summary>
public class OfflineTests
{
    /// <summary>HTTPStatus in 3.11.7, in definition order: value, Python name, .NET name, phrase, description.</summary>
    public sealed record Status(int Value, string PythonName, string DotNetName, string Phrase, string Description);

    public static readonly Status[] Table =
    {
        new(100, "CONTINUE", "Continue", "Continue", "Request received, please continue"),
        new(101, "SWITCHING_PROTOCOLS", "SwitchingProtocols", "Switching Protocols", "Switching to new protocol; obey Upgrade header"),
        new(102, "PROCESSING", "Processing", "Processing", ""),
        new(103, "EARLY_HINTS", "EarlyHints", "Early Hints", ""),
        new(200, "OK", "OK", "OK", "Request fulfilled, document follows"),
        new(201, "CREATED", "Created", "Created", "Document created, URL follows"),
        new(202, "ACCEPTED", "Accepted", "Accepted", "Request accepted, processing continues off-line"),
        new(203, "NON_AUTHORITATIVE_INFORMATION", "NonAuthoritativeInformation", "Non-Authoritative Information", "Request fulfilled from cache"),
        new(204, "NO_CONTENT", "NoContent", "No Content", "Request fulfilled, nothing follows"),
        new(205, "RESET_CONTENT", "ResetContent", "Reset Content", "Clear input form for further input"),
        new(206, "PARTIAL_CONTENT", "PartialContent", "Partial Content", "Partial content follows"),
        new(207, "MULTI_STATUS", "MultiStatus", "Multi-Status", ""),
        new(208, "ALREADY_REPORTED", "AlreadyReported", "Already Reported", ""),
        new(226, "IM_USED", "ImUsed", "IM Used", ""),
        new(300, "MULTIPLE_CHOICES", "MultipleChoices", "Multiple Choices", "Object has several resources -- see URI list"),
        new(301, "MOVED_PERMANENTLY", "MovedPermanently", "Moved Permanently", "Object moved permanently -- see URI list"),
        new(302, "FOUND", "Found", "Found", "Object moved temporarily -- see URI list"),
        new(303, "SEE_OTHER", "SeeOther", "See Other", "Object moved -- see Method and URL list"),
        new(304, "NOT_MODIFIED", "NotModified", "Not Modified", "Document has not changed since given time"),
        new(305, "USE_PROXY", "UseProxy", "Use Proxy", "You must use proxy specified in Location to access this resource"),
        new(307, "TEMPORARY_REDIRECT", "TemporaryRedirect", "Temporary Redirect", "Object moved temporarily -- see URI list"),
        new(308, "PERMANENT_REDIRECT", "PermanentRedirect", "Permanent Redirect", "Object moved permanently -- see URI list"),
        new(400, "BAD_REQUEST", "BadRequest", "Bad Request", "Bad request syntax or unsupported method"),
        new(401, "UNAUTHORIZED", "Unauthorized", "Unauthorized", "No permission -- see authorization schemes"),
        new(402, "PAYMENT_REQUIRED", "PaymentRequired", "Payment Required", "No payment -- see charging schemes"),
        new(403, "FORBIDDEN", "Forbidden", "Forbidden", "Request forbidden -- authorization will not help"),
        new(404, "NOT_FOUND", "NotFound", "Not Found", "Nothing matches the given URI"),
        new(405, "METHOD_NOT_ALLOWED", "MethodNotAllowed", "Method Not Allowed", "Specified method is invalid for this resource"),
        new(406, "NOT_ACCEPTABLE", "NotAcceptable", "Not Acceptable", "URI not available in preferred format"),
        new(407, "PROXY_AUTHENTICATION_REQUIRED", "ProxyAuthenticationRequired", "Proxy Authentication Required", "You must authenticate with this proxy before proceeding"),
        new(408, "REQUEST_TIMEOUT", "RequestTimeout", "Request Timeout", "Request timed out; try again later"),
        new(409, "CONFLICT", "Conflict", "Conflict", "Request conflict"),
        new(410, "GONE", "Gone", "Gone", "URI no longer exists and has been permanently removed"),
        new(411, "LENGTH_REQUIRED", "LengthRequired", "Length Required", "Client must specify Content-Length"),
        new(412, "PRECONDITION_FAILED", "PreconditionFailed", "Precondition Failed", "Precondition in headers is false"),
        new(413, "REQUEST_ENTITY_TOO_LARGE", "RequestEntityTooLarge", "Request Entity Too Large", "Entity is too large"),
        new(414, "REQUEST_URI_TOO_LONG", "RequestUriTooLong", "Request-URI Too Long", "URI is too long"),
        new(415, "UNSUPPORTED_MEDIA_TYPE", "UnsupportedMediaType", "Unsupported Media Type", "Entity body in unsupported format"),
        new(416, "REQUESTED_RANGE_NOT_SATISFIABLE", "RequestedRangeNotSatisfiable", "Requested Range Not Satisfiable", "Cannot satisfy request range"),
        new(417, "EXPECTATION_FAILED", "ExpectationFailed", "Expectation Failed", "Expect condition could not be satisfied"),
        new(418, "IM_A_TEAPOT", "ImATeapot", "I'm a Teapot", "Server refuses to brew coffee because it is a teapot."),
        new(421, "MISDIRECTED_REQUEST", "MisdirectedRequest", "Misdirected Request", "Server is not able to produce a response"),
        new(422, "UNPROCESSABLE_ENTITY", "UnprocessableEntity", "Unprocessable Entity", ""),
        new(423, "LOCKED", "Locked", "Locked", ""),
        new(424, "FAILED_DEPENDENCY", "FailedDependency", "Failed Dependency", ""),
        new(425, "TOO_EARLY", "TooEarly", "Too Early", ""),
        new(426, "UPGRADE_REQUIRED", "UpgradeRequired", "Upgrade Required", ""),
        new(428, "PRECONDITION_REQUIRED", "PreconditionRequired", "Precondition Required", "The origin server requires the request to be conditional"),
        new(429, "TOO_MANY_REQUESTS", "TooManyRequests", "Too Many Requests", "The user has sent too many requests in a given amount of time (\"rate limiting\")"),
        new(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "RequestHeaderFieldsTooLarge", "Request Header Fields Too Large", "The server is unwilling to process the request because its header fields are too large"),
        new(451, "UNAVAILABLE_FOR_LEGAL_REASONS", "UnavailableForLegalReasons", "Unavailable For Legal Reasons", "The server is denying access to the resource as a consequence of a legal demand"),
        new(500, "INTERNAL_SERVER_ERROR", "InternalServerError", "Internal Server Error", "Server got itself in trouble"),
        new(501, "NOT_IMPLEMENTED", "NotImplemented", "Not Implemented", "Server does not support this operation"),
        new(502, "BAD_GATEWAY", "BadGateway", "Bad Gateway", "Invalid responses from another server/proxy"),
        new(503, "SERVICE_UNAVAILABLE", "ServiceUnavailable", "Service Unavailable", "The server cannot process the request due to a high load"),
        new(504, "GATEWAY_TIMEOUT", "GatewayTimeout", "Gateway Timeout", "The gateway server did not receive a timely response"),
        new(505, "HTTP_VERSION_NOT_SUPPORTED", "HttpVersionNotSupported", "HTTP Version Not Supported", "Cannot fulfill request"),
        new(506, "VARIANT_ALSO_NEGOTIATES", "VariantAlsoNegotiates", "Variant Also Negotiates", ""),
        new(507, "INSUFFICIENT_STORAGE", "InsufficientStorage", "Insufficient Storage", ""),
        new(508, "LOOP_DETECTED", "LoopDetected", "Loop Detected", ""),
        new(510, "NOT_EXTENDED", "NotExtended", "Not Extended", ""),
        new(511, "NETWORK_AUTHENTICATION_REQUIRED", "NetworkAuthenticationRequired", "Network Authentication Required", "The client needs to authenticate to gain network access"),
    };

    private static readonly Assembly Runtime = typeof(HttpConnection).Assembly;

    private static Type RequiredType(string fullName)
        => Runtime.GetType(fullName) ?? throw new Xunit.Sdk.XunitException($"{fullName} is missing from the runtime assembly");

    [Fact]
    [Trait("CPython", "OfflineTest.test_responses")]
    public void Responses_NotFound()
    {
        Assert.Equal("Not Found", Http.ReasonPhrases.Get(404));
        var all = (IEnumerable)RequiredType("Http.ReasonPhrases").GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var pairs = all.Cast<object>().Select(o => ((int)o.GetType().GetProperty("Key")!.GetValue(o)!, (string)o.GetType().GetProperty("Value")!.GetValue(o)!)).ToArray();
        Assert.Equal(Table.Select(s => (s.Value, s.Phrase)).OrderBy(p => p.Value), pairs.OrderBy(p => p.Item1));
    }

    [Fact]
    [Trait("CPython", "OfflineTest.test_client_constants")]
    public void ClientConstants_Exist()
    {
        // CPython checks 58 of the 62 names (all but these four, which exist too); the port checks all 62.
        var statusCodes = RequiredType("Http.StatusCodes");
        foreach (var s in Table)
        {
            var field = statusCodes.GetField(s.DotNetName, BindingFlags.Public | BindingFlags.Static);
            Assert.True(field is { IsLiteral: true }, $"StatusCodes.{s.DotNetName} is not a public const");
            Assert.Equal(s.Value, field!.GetValue(null));
        }
    }

    [Fact]
    [Trait("CPython", "BasicTest.test_simple_httpstatus")]
    public void SimpleHttpStatus_MatchesTheReferenceTable()
    {
        var enumType = RequiredType("Http.HttpStatus");
        Assert.True(enumType.IsEnum);
        // The 62 values of 3.11, nothing more; extra names for the same values (3.13's aliases) are allowed.
        var values = Enum.GetValues(enumType).Cast<object>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).Distinct().OrderBy(v => v);
        Assert.Equal(Table.Select(s => s.Value), values);
        var phrase = ExtensionMethod(enumType, "Phrase");
        var description = ExtensionMethod(enumType, "Description");
        foreach (var s in Table)
        {
            var member = Enum.Parse(enumType, s.DotNetName);
            Assert.Equal(s.Value, Convert.ToInt32(member, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(s.Phrase, phrase.Invoke(null, new[] { member }));
            Assert.Equal(s.Description, description.Invoke(null, new[] { member }));
        }
    }

    private static MethodInfo ExtensionMethod(Type enumType, string name)
        => Runtime.GetExportedTypes()
               .Where(t => t.IsSealed && t.IsAbstract)
               .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
               .FirstOrDefault(m => m.Name == name && m.GetParameters() is [{ } p] && p.ParameterType == enumType)
           ?? throw new Xunit.Sdk.XunitException($"no extension method {name}({enumType.Name})");
}
