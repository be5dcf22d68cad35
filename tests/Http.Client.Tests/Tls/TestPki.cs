using System;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Http.Client.Tests.Tls;

/// <summary>
/// A throw-away certificate authority made at test time with <see cref="CertificateRequest"/>: no key
/// files are checked in. It issues server and client certificates and builds client options that trust
/// it (and only it). Shared by the unit TLS tests and the integration tests (linked source file).
/// </summary>
internal sealed class TestPki : IDisposable
{
    // ECDSA P-256 keys are generated in microseconds, unlike RSA, so every test can have fresh ones.
    private static readonly HashAlgorithmName Hash = HashAlgorithmName.SHA256;

    // A little slack before "now" absorbs clock differences between the test and the TLS libraries.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    // Long enough for any test run, short enough that a leaked certificate is useless.
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(2);

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private readonly ECDsa _authorityKey;
    private readonly X509Certificate2 _authorityWithKey;

    private TestPki(ECDsa authorityKey, X509Certificate2 authorityWithKey)
    {
        _authorityKey = authorityKey;
        _authorityWithKey = authorityWithKey;
        Authority = X509CertificateLoader.LoadCertificate(authorityWithKey.RawData);
    }

    /// <summary>The authority's certificate (public part only), to put in a trust store.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The authority's certificate in PEM form.</summary>
    public string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>Makes a new self-signed authority named <paramref name="name"/>.</summary>
    public static TestPki Create(string name = "Http.Client test CA")
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, Hash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now - ClockSkew, now + Lifetime);
        return new TestPki(key, certificate);
    }

    /// <summary>
    /// Issues a server certificate for <paramref name="names"/> (DNS names, or IP addresses when they
    /// parse as one), with its private key, usable by <see cref="SslStream"/> on every platform.
    /// </summary>
    public X509Certificate2 IssueServer(params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = Issue(key, names.Length > 0 ? names[0] : "server", names, ServerAuthOid);
        return WithPrivateKey(certificate, key);
    }

    /// <summary>Issues a server certificate for <paramref name="names"/> as PEM text (certificate, PKCS#8 key).</summary>
    public (string CertificatePem, string PrivateKeyPem) IssueServerPem(params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = Issue(key, names.Length > 0 ? names[0] : "server", names, ServerAuthOid);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Issues a client certificate with subject <c>CN=<paramref name="commonName"/></c>, with its private key.</summary>
    public X509Certificate2 IssueClient(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = Issue(key, commonName, Array.Empty<string>(), ClientAuthOid);
        return WithPrivateKey(certificate, key);
    }

    /// <summary>
    /// Client options that trust this authority alone (a custom root trust store) and keep every other
    /// check, host-name verification included.
    /// </summary>
    public SslClientAuthenticationOptions CreateTrustingClientOptions()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(Authority);
        return new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
    }

    /// <summary>True when <paramref name="certificate"/> was issued by this authority (signature checked).</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreWrongUsage;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        return chain.Build(certificate);
    }

    public void Dispose()
    {
        Authority.Dispose();
        _authorityWithKey.Dispose();
        _authorityKey.Dispose();
    }

    private X509Certificate2 Issue(ECDsa key, string commonName, string[] names, string usageOid)
    {
        var request = new CertificateRequest("CN=" + commonName, key, Hash);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid(usageOid) }, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authorityWithKey, true, false));
        if (names.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in names)
            {
                if (IPAddress.TryParse(name, out var address))
                {
                    san.AddIpAddress(address);
                }
                else
                {
                    san.AddDnsName(name);
                }
            }
            request.CertificateExtensions.Add(san.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        // Valid from a little before now until a minute before the authority expires (never past it).
        var notAfter = new DateTimeOffset(_authorityWithKey.NotAfter.ToUniversalTime()) - TimeSpan.FromMinutes(1);
        return request.Create(_authorityWithKey, DateTimeOffset.UtcNow - ClockSkew, notAfter, serial);
    }

    // A PKCS#12 round trip gives a certificate whose key every platform's TLS stack can use
    // (an ephemeral key attached with CopyWithPrivateKey is refused by SChannel).
    private static X509Certificate2 WithPrivateKey(X509Certificate2 certificate, ECDsa key)
    {
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
