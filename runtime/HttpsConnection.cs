using System.Collections.Generic;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Http.Client
{
    /// <summary>
    /// An HTTP/1.1 connection over TLS: Python's <c>http.client.HTTPSConnection</c>. Everything
    /// <see cref="HttpConnection"/> does (requests, responses, keep-alive, <see cref="HttpConnection.SetTunnel"/>)
    /// works the same way; the transport is wrapped in an <see cref="SslStream"/> right after it opens, and,
    /// when a tunnel is set, after the proxy has accepted the <c>CONNECT</c>, so TLS runs end to end with
    /// the tunnel's target host.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Without <see cref="SslClientAuthenticationOptions"/> the connection verifies the server as a browser
    /// would: the certificate chain must end at one of the system's trusted roots and must name the host
    /// (<see cref="HttpConnection.Host"/>, or the tunnel host when tunnelling), which is also sent as SNI. It
    /// offers ALPN <c>http/1.1</c> and TLS 1.2 and 1.3.
    /// </para>
    /// <para>
    /// Options given to the constructor replace those defaults as a whole, as a custom <c>SSLContext</c> does
    /// in Python: they are used as given (trust, callbacks, client certificates, protocols, ALPN), except
    /// that an empty <see cref="SslClientAuthenticationOptions.TargetHost"/> is filled in with the host the
    /// connection verifies. The caller's object is never modified; it is copied for each handshake.
    /// </para>
    /// <para>
    /// A handshake or verification failure throws <see cref="AuthenticationException"/> whose message names the
    /// host and the reason (for example <c>UntrustedRoot</c> or <c>RemoteCertificateNameMismatch</c>); the
    /// transport is closed and the next request opens a new one.
    /// </para>
    /// <example>
    /// <code>
    /// using var connection = new HttpsConnection("www.python.org");
    /// connection.Request("GET", "/");
    /// using var response = connection.GetResponse();
    /// Console.WriteLine($"{response.Status} {response.Reason}");
    /// </code>
    /// </example>
    /// </remarks>
    public class HttpsConnection : HttpConnection
    {
        /// <summary>The default HTTPS port, 443 (Python's <c>HTTPS_PORT</c>).</summary>
        public new const int DefaultPort = 443;

        /// <summary>
        /// Creates a connection to <paramref name="host"/> over TLS; nothing is sent until the first request
        /// or <see cref="HttpConnection.Connect"/>.
        /// </summary>
        /// <param name="host">
        /// The server's host name or IP address, optionally with <c>:port</c> (an IPv6 address in brackets). When
        /// a tunnel is set, this is the proxy.
        /// </param>
        /// <param name="port">The port; when null, the port in <paramref name="host"/> or else <see cref="DefaultPort"/>.</param>
        /// <param name="timeout">Limit for connecting (the TLS handshake included) and for each blocking operation; null means none.</param>
        /// <param name="sourceAddress">The local address (and port, 0 for any) to connect from; null lets the system choose.</param>
        /// <param name="blockSize">The size of the pieces in which stream and chunked bodies are sent.</param>
        /// <param name="sslOptions">TLS settings replacing the defaults as a whole (see remarks); null keeps the defaults.</param>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="blockSize"/> is not positive.</exception>
        /// <exception cref="InvalidUrlException">The port in <paramref name="host"/> is not a number.</exception>
        public HttpsConnection(
            string host,
            int? port = null,
            TimeSpan? timeout = null,
            IPEndPoint? sourceAddress = null,
            int blockSize = DefaultBlockSize,
            SslClientAuthenticationOptions? sslOptions = null)
            : base(host, port, timeout, sourceAddress, blockSize, DefaultPort)
        {
            SslOptions = sslOptions;
        }

        /// <summary>The TLS settings given to the constructor, or null when the defaults apply.</summary>
        public SslClientAuthenticationOptions? SslOptions { get; }

        /// <summary>
        /// The TLS version of the most recent successful handshake, or null before one (and while a new
        /// transport is being opened). It stays readable after <see cref="HttpConnection.Close"/>.
        /// </summary>
        public SslProtocols? NegotiatedTlsProtocol { get; private set; }

        /// <summary>
        /// The ALPN protocol the server chose in the most recent successful handshake (<c>http/1.1</c> with the
        /// defaults, when the server supports ALPN), an empty protocol when none was agreed, or null before a handshake.
        /// </summary>
        public SslApplicationProtocol? NegotiatedApplicationProtocol { get; private set; }

        /// <summary>
        /// The certificate the server presented in the most recent successful handshake (a copy, which stays
        /// valid after the transport closes), or null before one.
        /// </summary>
        public X509Certificate2? RemoteCertificate { get; private set; }

        /// <summary>The TLS handshake (inside the tunnel when one is set): an <see cref="SslStream"/> that owns the transport,
        /// or <see cref="AuthenticationException"/>, or <see cref="TimeoutException"/> after <see cref="HttpConnection.Timeout"/>.</summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private protected override async ValueTask<Stream> WrapTransportAsync(
            Stream transport, string targetHost, bool async, CancellationToken cancellationToken)
        {
            // Forgotten, not disposed: the caller may still hold the previous certificate.
            NegotiatedTlsProtocol = null;
            NegotiatedApplicationProtocol = null;
            RemoteCertificate = null;
            cancellationToken.ThrowIfCancellationRequested();

            // A caller's validation callback reports why the certificate failed the built-in checks here, so
            // its rejection can still say why (SslStream's message then does not).
            string? certificateProblems = null;
            SslClientAuthenticationOptions options = CreateHandshakeOptions(targetHost, problems => certificateProblems = problems);
            var tls = new SslStream(transport, leaveInnerStreamOpen: false);
            try
            {
                await AuthenticateAsync(tls, options, !async && Timeouts.TryApply(transport, Timeout), async, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                DisposeQuietly(tls);
                if (e is not (AuthenticationException or IOException))
                {
                    throw;
                }
                // A peer that hangs up or answers with something other than TLS fails the handshake too: one
                // exception type for "no TLS session", with SslStream's reason kept in the message.
                string message = $"TLS handshake with {targetHost} failed: {e.Message}";
                throw new AuthenticationException(certificateProblems is null ? message : $"{message} (certificate problems: {certificateProblems})", e);
            }

            NegotiatedTlsProtocol = tls.SslProtocol;
            NegotiatedApplicationProtocol = tls.NegotiatedApplicationProtocol;
            if (tls.RemoteCertificate is { } certificate)
            {
                // A copy: SslStream disposes its own certificate when the transport closes.
                RemoteCertificate = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            }
            return tls;
        }

        // The handshake under the connection's Timeout, as every other blocking step (see Timeouts).
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask AuthenticateAsync(SslStream tls, SslClientAuthenticationOptions options, bool blocking,
            bool async, CancellationToken cancellationToken)
        {
            using TimeoutScope scope = blocking ? TimeoutScope.Blocking : StartConnectTimer(cancellationToken);
            try
            {
                if (blocking)
                {
                    tls.AuthenticateAsClient(options);
                }
                else if (async)
                {
                    await tls.AuthenticateAsClientAsync(options, scope.Token).ConfigureAwait(false);
                }
                else
                {
                    tls.AuthenticateAsClientAsync(options, scope.Token).GetAwaiter().GetResult();
                }
            }
            catch (Exception e) when (scope.Expired(e))
            {
                throw Timeouts.Error(e);
            }
        }

        // The options for one handshake. Defaults mirror Python's default context (system roots, host-name
        // check, SNI) plus its ALPN http/1.1; the caller's options are copied so that filling in TargetHost
        // or wrapping the callback never touches the caller's object, which may serve other connections.
        internal SslClientAuthenticationOptions CreateHandshakeOptions(string targetHost, Action<string> reportProblems)
        {
            SslClientAuthenticationOptions? user = SslOptions;
            if (user is null)
            {
                return new SslClientAuthenticationOptions
                {
                    TargetHost = targetHost,
                    ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 },
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                };
            }

            RemoteCertificateValidationCallback? callback = user.RemoteCertificateValidationCallback;
            var copy = new SslClientAuthenticationOptions
            {
                AllowRenegotiation = user.AllowRenegotiation,
                AllowTlsResume = user.AllowTlsResume,
                ApplicationProtocols = user.ApplicationProtocols is null ? null : new List<SslApplicationProtocol>(user.ApplicationProtocols),
                CertificateChainPolicy = user.CertificateChainPolicy,
                CertificateRevocationCheckMode = user.CertificateRevocationCheckMode,
                CipherSuitesPolicy = user.CipherSuitesPolicy,
                ClientCertificateContext = user.ClientCertificateContext,
                ClientCertificates = user.ClientCertificates,
                EnabledSslProtocols = user.EnabledSslProtocols,
                EncryptionPolicy = user.EncryptionPolicy,
                LocalCertificateSelectionCallback = user.LocalCertificateSelectionCallback,
                TargetHost = string.IsNullOrEmpty(user.TargetHost) ? targetHost : user.TargetHost,
                // Without a callback of the caller's, SslStream's own checks run and name the reason themselves.
                RemoteCertificateValidationCallback = callback is null
                    ? null
                    : (sender, certificate, chain, errors) =>
                    {
                        if (errors != SslPolicyErrors.None)
                        {
                            reportProblems(DescribeProblems(errors, chain));
                        }
                        return callback(sender, certificate, chain, errors);
                    },
            };
            if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
            {
                // Settable only where the platform's TLS stack honours them.
                copy.AllowRsaPssPadding = user.AllowRsaPssPadding;
                copy.AllowRsaPkcs1Padding = user.AllowRsaPkcs1Padding;
            }
            return copy;
        }

        // "RemoteCertificateChainErrors: UntrustedRoot", in the words SslStream itself uses.
        private static string DescribeProblems(SslPolicyErrors errors, X509Chain? chain) =>
            (errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && chain is { ChainStatus.Length: > 0 }
                ? $"{errors}: {string.Join(", ", Array.ConvertAll(chain.ChainStatus, status => status.Status))}"
                : errors.ToString();

        // Synchronously, as Transport.Close disposes every stream.
        private static void DisposeQuietly(SslStream tls)
        {
            try
            {
                tls.Dispose();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The handshake already failed; a second failure while closing adds nothing.
            }
        }
    }
}
