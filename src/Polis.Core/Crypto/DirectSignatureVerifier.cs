
namespace Polis.Core.Crypto;

/// <summary>Verifies every signature with libsodium, no caching.</summary>
public sealed class DirectSignatureVerifier : ISignatureVerifier
{
    public static readonly DirectSignatureVerifier Instance = new();

    public bool Verify(PublicKey key, ReadOnlySpan<byte> message, in Signature signature) => key.Verify(message, signature);
}
