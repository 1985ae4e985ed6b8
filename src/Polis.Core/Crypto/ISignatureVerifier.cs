
namespace Polis.Core.Crypto;

/// <summary>
/// Checks Ed25519 signatures for the engine. The node plugs in a cache filled by parallel
/// pre-verification so each signature is checked once; verification is a pure function either way.
/// </summary>
public interface ISignatureVerifier
{
    bool Verify(PublicKey key, ReadOnlySpan<byte> message, in Signature signature);
}
