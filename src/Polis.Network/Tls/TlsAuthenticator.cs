using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Polis.Network.Tls;

/// <summary>
/// Runs the mutual TLS 1.3 handshake on one connection and returns the SPKI of the certificate
/// the peer presented. Any certificate is accepted here (they are all self-signed); trust comes
/// from the Hello exchange that follows, which signs over both SPKIs.
/// </summary>
internal static class TlsAuthenticator
{
    /// <summary>SNI is not used for routing; a constant avoids leaking the dialed host name.</summary>
    private const string TargetHost = "polis-p2p";

    public static async Task<byte[]> AuthenticateAsync(SslStream ssl, NodeCertificate own, bool asClient, CancellationToken ct)
    {
        byte[]? peerSpki = null;
        bool Record(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            // The chain error flag is expected for self-signed certificates; only presence matters.
            if (certificate is null) return false;
            using var copy = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            peerSpki = (copy ?? (X509Certificate2)certificate).PublicKey.ExportSubjectPublicKeyInfo();
            return true;
        }

        if (asClient)
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = TargetHost,
                ClientCertificateContext = own.Context,
                EnabledSslProtocols = SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                // Resumed sessions skip the certificate exchange; every link must see the peer's.
                AllowTlsResume = false,
                RemoteCertificateValidationCallback = Record,
            }, ct).ConfigureAwait(false);
        }
        else
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = own.Context,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                AllowTlsResume = false,
                RemoteCertificateValidationCallback = Record,
            }, ct).ConfigureAwait(false);
        }

        if (ssl.SslProtocol != SslProtocols.Tls13) throw new AuthenticationException($"negotiated {ssl.SslProtocol}, TLS 1.3 required");
        return peerSpki ?? throw new AuthenticationException("the peer presented no certificate");
    }
}
