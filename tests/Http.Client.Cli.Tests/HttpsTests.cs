using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Http.Client.Cli.Tests.TestKit;
using Xunit;

namespace Http.Client.Cli.Tests;

public sealed class HttpsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("httpc-tls-tests-").FullName;
    private readonly TestPki _pki = TestPki.Create();

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private string WriteCaFile(string pem)
    {
        string path = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(path, pem);
        return path;
    }

    private TestServer StartTlsServer(string body) =>
        TestServer.StartTls(_pki.Server, _ => TestServer.Response(200, "OK", Encoding.ASCII.GetBytes(body)));

    [Fact]
    public async Task Https_with_cacert_trusts_the_private_ca()
    {
        await using TestServer server = StartTlsServer("secret");

        CliResult result = await CliRun.RunAsync("--cacert", WriteCaFile(_pki.AuthorityPem), server.Url("/s"));

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("secret", result.BodyText);
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.Equal("/s", request.Target);
    }

    [Fact]
    public async Task Https_without_cacert_fails_verification_with_the_tls_code()
    {
        await using TestServer server = StartTlsServer("secret");

        CliResult result = await CliRun.RunAsync(server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.TlsFailed);
        Assert.Contains("TLS handshake failed", result.Stderr);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Cacert_does_not_excuse_a_host_name_mismatch()
    {
        using TestPki otherName = TestPki.Create("other.example", includeLoopbackAddress: false);
        await using TestServer server = TestServer.StartTls(otherName.Server, _ => TestServer.Response(200, "OK", []));

        CliResult result = await CliRun.RunAsync("--cacert", WriteCaFile(otherName.AuthorityPem), server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.TlsFailed);
    }

    [Fact]
    public async Task Cacert_file_without_certificates_is_a_local_file_error()
    {
        await using TestServer server = StartTlsServer("secret");

        CliResult result = await CliRun.RunAsync("--cacert", WriteCaFile("not a certificate\n"), server.Url());

        CliRun.AssertOneLineError(result, ExitCodes.LocalFileError);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Https_through_a_proxy_uses_a_connect_tunnel()
    {
        await using TestServer server = StartTlsServer("tunnelled");
        await using TunnelProxy proxy = TunnelProxy.Start();

        CliResult result = await CliRun.RunAsync("--proxy", $"127.0.0.1:{proxy.Port}", "--cacert", WriteCaFile(_pki.AuthorityPem), $"https://localhost:{server.Port}/t");

        Assert.True(result.ExitCode == ExitCodes.Success, result.Stderr);
        Assert.Equal("tunnelled", result.BodyText);
        Assert.True(proxy.Requests.TryDequeue(out var connect));
        Assert.Equal("CONNECT", connect.Method);
        Assert.Equal($"localhost:{server.Port}", connect.Target);
        Assert.True(server.Requests.TryDequeue(out var request));
        Assert.Equal("/t", request.Target);
    }

    [Fact]
    public async Task Proxy_refusing_the_tunnel_exits_with_the_connection_code()
    {
        await using TestServer server = StartTlsServer("never");
        await using TunnelProxy proxy = TunnelProxy.Start(refuse: true);

        CliResult result = await CliRun.RunAsync("--proxy", $"127.0.0.1:{proxy.Port}", $"https://localhost:{server.Port}/");

        CliRun.AssertOneLineError(result, ExitCodes.ConnectionFailed);
        Assert.Contains("407", result.Stderr);
        Assert.Empty(server.Requests);
    }
}
