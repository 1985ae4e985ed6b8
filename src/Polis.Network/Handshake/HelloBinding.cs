using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Network.Handshake;

/// <summary>
/// What a Hello signs: SHA-256("polis-p2p-v1" || chain id || sender's own TLS SPKI || receiver's TLS
/// SPKI as the sender sees it), with length prefixes so no two inputs encode alike. A relay in the
/// middle holds two TLS sessions with different keys, so a Hello it forwards names SPKIs the far
/// side does not see and fails verification.
/// </summary>
internal static class HelloBinding
{
    private static ReadOnlySpan<byte> Domain => "polis-p2p-v1"u8;

    public static Hash32 Digest(string chainId, ReadOnlySpan<byte> senderSpki, ReadOnlySpan<byte> receiverSpki)
    {
        var writer = new CanonicalWriter(Domain.Length + 64 + senderSpki.Length + receiverSpki.Length + 8);
        writer.WriteRaw(Domain);
        writer.WriteString(chainId);
        writer.WriteBytes(senderSpki);
        writer.WriteBytes(receiverSpki);
        return Sha256.Hash(writer.WrittenSpan);
    }

    public static Hello Create(string chainId, KeyPair nodeKey, ReadOnlySpan<byte> ownSpki, ReadOnlySpan<byte> peerSpki)
    {
        Span<byte> digest = stackalloc byte[Hash32.Size];
        Digest(chainId, ownSpki, peerSpki).WriteTo(digest);
        return new Hello(chainId, nodeKey.PublicKey, nodeKey.Sign(digest));
    }

    /// <summary>Checks a received Hello's signature against the SPKIs this side observed.</summary>
    public static bool Verify(Hello hello, ReadOnlySpan<byte> peerSpki, ReadOnlySpan<byte> ownSpki)
    {
        Span<byte> digest = stackalloc byte[Hash32.Size];
        Digest(hello.ChainId, peerSpki, ownSpki).WriteTo(digest);
        return hello.NodeKey.Verify(digest, hello.Signature);
    }
}
