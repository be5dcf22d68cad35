using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Http.Client.Tests.Tls;
using Xunit;

namespace Http.Client.IntegrationTests.Fixtures;

/// <summary>The xunit collection whose tests share one set of running servers.</summary>
[CollectionDefinition(Name)]
public sealed class ServersCollection : ICollectionFixture<ServersFixture>
{
    /// <summary>The collection's name, for <c>[Collection(ServersCollection.Name)]</c>.</summary>
    public const string Name = "nginx and tinyproxy";
}

/// <summary>
/// Real servers nobody here wrote, started once for the integration tests: nginx serving HTTP and HTTPS
/// (a certificate issued at run time by a throw-away CA) with a small, a large and a chunked resource,
/// uploads and keep-alive; tinyproxy allowing CONNECT to nginx's ports, once open and once requiring
/// Basic authentication. Everything lives in a temporary prefix and binds 127.0.0.1 on free ports.
/// The servers must be installed (apt-get install nginx tinyproxy; .ci/run does it): when they are not,
/// every test in the collection fails with a message that says so.
/// </summary>
public sealed class ServersFixture : IDisposable
{
    /// <summary>The HTTP host the tests connect to.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>The HTTPS host name: the certificate names it, so SNI and name verification are exercised.</summary>
    public const string TlsHost = "localhost";

    /// <summary>The user name the authenticating proxy accepts.</summary>
    public const string ProxyUser = "httpclient";

    /// <summary>The password the authenticating proxy accepts.</summary>
    public const string ProxyPassword = "tunnel4test";

    /// <summary>Set by .ci/services.sh: a directory for PID files, so CI can stop servers a crashed run left.</summary>
    public const string PidDirectoryVariable = "HTTP_CLIENT_SERVICES_PID_DIR";

    // Install command named in the failure message when a server is missing.
    private const string InstallHint = "apt-get install -y nginx tinyproxy";

    // Free ports are found by binding port 0 and closing; another process may grab one in between, so a
    // failed start is retried with fresh ports a few times.
    private const int StartAttempts = 3;

    // Large enough to need many reads and TCP windows, small enough to stay quick (4 MiB).
    private const int LargeFileSize = 4 * 1024 * 1024;

    // Lines in the SSI resource: about 600 KB, which nginx sends as many 32 KB chunks.
    private const int ChunkedLineCount = 20_000;

    // Fixed seed: the large file is the same bytes on every run, which helps when reading a failure.
    private const int LargeFileSeed = 20_261_128;

    private readonly List<ServerProcess> _servers = new();
    private readonly string _prefix;

    /// <summary>Creates the files and certificate and starts nginx and two tinyproxy instances.</summary>
    public ServersFixture()
    {
        var nginx = FindExecutable("nginx", "HTTP_CLIENT_NGINX");
        var tinyproxy = FindExecutable("tinyproxy", "HTTP_CLIENT_TINYPROXY");
        var missing = new[] { ("nginx", nginx), ("tinyproxy", tinyproxy) }.Where(x => x.Item2 is null).Select(x => x.Item1).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                $"The integration tests run against real nginx and tinyproxy servers, and {string.Join(" and ", missing)} " +
                $"could not be found (searched HTTP_CLIENT_NGINX / HTTP_CLIENT_TINYPROXY, PATH, /usr/sbin, /usr/local/sbin, /sbin). Install them with " +
                $"`{InstallHint}` (as root, or with sudo), or run `bash .ci/run`, which installs them.");
        }

        Pki = TestPki.Create("Http.Client integration test CA");
        _prefix = Directory.CreateTempSubdirectory("http-client-it-").FullName;
        try
        {
            WriteContent();
            StartServers(nginx!, tinyproxy!);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The certificate authority that issued nginx's certificate.</summary>
    internal TestPki Pki { get; }

    /// <summary>nginx's plain HTTP port.</summary>
    public int HttpPort { get; private set; }

    /// <summary>nginx's HTTPS port.</summary>
    public int HttpsPort { get; private set; }

    /// <summary>tinyproxy without authentication.</summary>
    public int OpenProxyPort { get; private set; }

    /// <summary>tinyproxy requiring Basic authentication (<see cref="ProxyUser"/>, <see cref="ProxyPassword"/>).</summary>
    public int AuthProxyPort { get; private set; }

    /// <summary>The <c>Proxy-Authorization</c> value the authenticating proxy accepts.</summary>
    public static string ProxyAuthorization =>
        "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(ProxyUser + ":" + ProxyPassword));

    /// <summary>The body of <c>/index.txt</c>.</summary>
    public byte[] SmallBody { get; } = Encoding.ASCII.GetBytes("Hello from nginx, read by Http.Client.\n");

    /// <summary>The body of <c>/large.bin</c>.</summary>
    public byte[] LargeBody { get; } = MakeLargeBody();

    /// <summary>The body of <c>/chunked/lines.txt</c>, which nginx sends chunked.</summary>
    public byte[] ChunkedBody { get; } = MakeChunkedBody();

    /// <summary>Client TLS options trusting only the test CA (a custom root trust store), verification on.</summary>
    public SslClientAuthenticationOptions CreateTrustingOptions() => Pki.CreateTrustingClientOptions();

    /// <summary>Stops every server by PID and deletes the temporary prefix.</summary>
    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
        _servers.Clear();
        try
        {
            if (_prefix is not null && Directory.Exists(_prefix))
            {
                Directory.Delete(_prefix, recursive: true);
            }
        }
        catch (IOException)
        {
            // A server that ignored SIGTERM and the tree kill may still hold a log file open; the
            // directory is in the temp folder, so leaving it is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // nginx's workers create their temp directories with their own owner; same reasoning.
        }
        Pki?.Dispose();
    }

    // An environment variable may name the executable (a build elsewhere); otherwise PATH and the sbin folders.
    private static string? FindExecutable(string name, string overrideVariable)
    {
        if (Environment.GetEnvironmentVariable(overrideVariable) is { Length: > 0 } explicitPath)
        {
            return File.Exists(explicitPath) ? explicitPath : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(new[] { "/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin", "/usr/local/bin" });
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    private void WriteContent()
    {
        var www = Path.Combine(_prefix, "www");
        Directory.CreateDirectory(Path.Combine(www, "chunked"));
        Directory.CreateDirectory(Path.Combine(www, "dav"));
        Directory.CreateDirectory(Path.Combine(_prefix, "temp"));
        File.WriteAllBytes(Path.Combine(www, "index.txt"), SmallBody);
        File.WriteAllBytes(Path.Combine(www, "large.bin"), LargeBody);
        File.WriteAllBytes(Path.Combine(www, "chunked", "lines.txt"), ChunkedBody);

        var (certificatePem, keyPem) = Pki.IssueServerPem(TlsHost, Host);
        // The full chain, as a real deployment sends it: a client that lacks the CA sees UntrustedRoot.
        File.WriteAllText(Path.Combine(_prefix, "server.crt"), certificatePem + "\n" + Pki.AuthorityPem + "\n");
        File.WriteAllText(Path.Combine(_prefix, "server.key"), keyPem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(_prefix, "server.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private void StartServers(string nginx, string tinyproxy)
    {
        var pidDirectory = Environment.GetEnvironmentVariable(PidDirectoryVariable);
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts(4);
            (HttpPort, HttpsPort, OpenProxyPort, AuthProxyPort) = (ports[0], ports[1], ports[2], ports[3]);
            try
            {
                var nginxConf = Render("nginx.conf.template", "nginx.conf", new Dictionary<string, string>
                {
                    // As root, workers would otherwise run as nobody, who may not be able to read a
                    // private temp folder; the servers only ever listen on loopback.
                    ["USER_DIRECTIVE"] = Environment.IsPrivilegedProcess ? "user root;" : "",
                    ["PREFIX"] = _prefix,
                    ["HTTP_PORT"] = Port(HttpPort),
                    ["HTTPS_PORT"] = Port(HttpsPort),
                    ["CERT_FILE"] = Path.Combine(_prefix, "server.crt"),
                    ["KEY_FILE"] = Path.Combine(_prefix, "server.key"),
                    ["ROOT"] = Path.Combine(_prefix, "www"),
                });
                // -e stderr: errors before the configuration is read go to our captured output, never to a
                // system log path a non-root user cannot open.
                _servers.Add(ServerProcess.Start("nginx", nginx,
                    new[] { "-e", "stderr", "-p", _prefix + Path.DirectorySeparatorChar, "-c", nginxConf },
                    new[] { HttpPort, HttpsPort }, pidDirectory));

                foreach (var (name, port, auth) in new[]
                {
                    ("open", OpenProxyPort, ""),
                    ("auth", AuthProxyPort, $"BasicAuth {ProxyUser} {ProxyPassword}"),
                })
                {
                    var conf = Render("tinyproxy.conf.template", $"tinyproxy-{name}.conf", new Dictionary<string, string>
                    {
                        ["PREFIX"] = _prefix,
                        ["NAME"] = name,
                        ["PORT"] = Port(port),
                        ["HTTP_PORT"] = Port(HttpPort),
                        ["HTTPS_PORT"] = Port(HttpsPort),
                        ["BASIC_AUTH"] = auth,
                    });
                    _servers.Add(ServerProcess.Start($"tinyproxy {name}", tinyproxy,
                        new[] { "-d", "-c", conf }, new[] { port }, pidDirectory));
                }
                return;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts)
            {
                foreach (var server in _servers)
                {
                    server.Dispose();
                }
                _servers.Clear();
            }
        }
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Renders a template kept in the repository (copied beside the test assembly) into the prefix.
    private string Render(string template, string output, IReadOnlyDictionary<string, string> values)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", template));
        foreach (var (key, value) in values)
        {
            text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }
        var leftover = text.IndexOf("{{", StringComparison.Ordinal);
        if (leftover >= 0)
        {
            throw new InvalidDataException($"{template}: placeholder without a value near: {text.Substring(leftover, Math.Min(40, text.Length - leftover))}");
        }
        var path = Path.Combine(_prefix, output);
        File.WriteAllText(path, text);
        return path;
    }

    // Holds every listener open until all are bound, so the ports are distinct.
    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private static byte[] MakeLargeBody()
    {
        var bytes = new byte[LargeFileSize];
        new Random(LargeFileSeed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] MakeChunkedBody()
    {
        var text = new StringBuilder(ChunkedLineCount * 32);
        for (var i = 1; i <= ChunkedLineCount; i++)
        {
            text.Append("line ").Append(i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).Append(" of a chunked body\n");
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
