using System;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Http.Client.Cli;

/// <summary>Builds the TLS options for <c>--cacert</c>: trust the given CA(s) in addition to the system's roots.</summary>
internal static class CertificateTrust
{
    /// <summary>
    /// Options whose validation accepts a server certificate that the system trusts, or that chains to
    /// one of the PEM certificates in <paramref name="caFile"/>. Host name checks are never relaxed.
    /// </summary>
    public static SslClientAuthenticationOptions CreateOptions(string caFile)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CliFailure(ExitCodes.LocalFileError, $"cannot read CA certificates from '{caFile}': {e.Message}", e);
        }

        if (roots.Count == 0)
        {
            throw new CliFailure(ExitCodes.LocalFileError, $"no PEM certificate found in '{caFile}'");
        }

        return new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(roots, certificate, chain, errors),
        };
    }

    private static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? systemChain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only an untrusted chain may be rescued by the custom roots; a wrong host name or a missing certificate may not.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var leaf = certificate as X509Certificate2 is { } typed
            ? X509CertificateLoader.LoadCertificate(typed.RawData)
            : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        // A private CA rarely publishes revocation lists; curl --cacert does not check them either.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (systemChain is not null)
        {
            // Intermediates the server sent.
            foreach (X509ChainElement element in systemChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(leaf);
    }
}
