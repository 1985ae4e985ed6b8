using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Polis.Network.Tls;

/// <summary>
/// The host's TLS identity: a fresh self-signed ECDSA P-256 certificate per start. It is not
/// trusted by anyone on its own; the Hello exchange binds its public key to the node's Ed25519
/// key (.NET cannot put Ed25519 in a certificate).
/// </summary>
internal sealed class NodeCertificate : IDisposable
{
    private NodeCertificate(X509Certificate2 certificate)
    {
        Certificate = certificate;
        Spki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        // offline: a self-signed certificate has no chain to fetch.
        Context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>DER SubjectPublicKeyInfo of this certificate, as covered by the Hello signature.</summary>
    public byte[] Spki { get; }

    public SslStreamCertificateContext Context { get; }

    public static NodeCertificate Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=polis-p2p", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        // Dates are not checked by peers; the margin only keeps tools that look at them quiet.
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        // On Linux a certificate from CertificateRequest holds an ephemeral key that SslStream
        // cannot hand to OpenSSL; a PKCS#12 round trip gives it a usable private key.
        byte[] pfx = ephemeral.Export(X509ContentType.Pkcs12);
        try
        {
            return new NodeCertificate(X509CertificateLoader.LoadPkcs12(pfx, password: null));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pfx);
        }
    }

    public void Dispose() => Certificate.Dispose();
}
