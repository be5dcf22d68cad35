using System;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Http.Client.Cli.Tests.TestKit;

/// <summary>A throwaway CA and a server certificate it signed, made in memory for the TLS tests.</summary>
internal sealed class TestPki : IDisposable
{
    private TestPki(X509Certificate2 authority, X509Certificate2 server)
    {
        Authority = authority;
        Server = server;
    }

    /// <summary>The CA certificate (public part), to be written as PEM for --cacert.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server certificate with its private key.</summary>
    public X509Certificate2 Server { get; }

    public string AuthorityPem => Authority.ExportCertificatePem();

    /// <summary>Creates a CA and a server certificate for <paramref name="dnsName"/> (and 127.0.0.1 when asked).</summary>
    public static TestPki Create(string dnsName = "localhost", bool includeLoopbackAddress = true)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using ECDsa authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=httpc test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        using X509Certificate2 authorityWithKey = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using ECDsa serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=" + dnsName, serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        if (includeLoopbackAddress)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }

        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authorityWithKey, true, false));
        byte[] serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        using X509Certificate2 serverPublic = serverRequest.Create(authorityWithKey, now.AddMinutes(-5), now.AddDays(1), serial);
        using X509Certificate2 serverWithKey = serverPublic.CopyWithPrivateKey(serverKey);
        // Round-trip through PKCS#12 so the key outlives the ECDsa objects disposed above.
        X509Certificate2 server = X509CertificateLoader.LoadPkcs12(serverWithKey.Export(X509ContentType.Pkcs12), null);
        X509Certificate2 authority = X509CertificateLoader.LoadCertificate(authorityWithKey.RawData);
        return new TestPki(authority, server);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
    }
}
